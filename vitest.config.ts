import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // Two cores: more workers only queue behind each other and make start-up timings noisy.
    maxWorkers: 2,
    // Node 20 has WebSocket behind a flag; the playground test reads the bot's replies from its stream.
    execArgv: ['--experimental-websocket', '--no-warnings=ExperimentalWarning'],
  },
});
