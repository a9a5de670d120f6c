// The tab's build: the page itself and the demo host (served in demo mode only), into dist/tab under /tab/.

import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

export default defineConfig({
  root: here('.'),
  base: '/tab/',
  logLevel: 'warn',
  build: {
    outDir: here('../dist/tab'),
    emptyOutDir: true,
    target: 'es2022',
    // No inline scripts or styles anywhere: the CSP allows only files from this origin.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
    reportCompressedSize: false,
    // File names start with their entry's name: the server serves `assets/host-*` (the demo host) in demo mode only.
    rollupOptions: {
      input: { tab: here('index.html'), host: here('demo-host/index.html') },
      output: { entryFileNames: 'assets/[name]-[hash].js', chunkFileNames: 'assets/tab-chunk-[hash].js', assetFileNames: 'assets/[name]-[hash][extname]' },
    },
  },
});
