import type { Plugin } from 'esbuild';

/** The esbuild plugin of lazy-modules.mjs: gpt-tokenizer's modules load on first use. */
export declare const lazyModules: Plugin;
