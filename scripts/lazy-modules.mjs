// Bundling: modules a dependency loads at start-up that the coach never uses are loaded on first use instead.
//
// teams-ai loads gpt-tokenizer's encodings (its GPT tokenizers, for the AI planner) when it is loaded: about 100 ms
// and 40 MB of a start-up that uses none of it. Each `require('gpt-tokenizer…')` in the bundle gets a stand-in whose
// first property read loads the real module; nothing changes for a caller, only when the loading happens.

const NAMESPACE = 'lazy-module';

/** Module specifiers (a package and its subpaths) loaded on first use. */
const LAZY = /^gpt-tokenizer(\/|$)/;

/** @type {import('esbuild').Plugin} */
export const lazyModules = {
  name: 'lazy-modules',
  setup(build) {
    build.onResolve({ filter: LAZY }, (args) => {
      // The stand-in's own require is the real module: resolved as usual.
      if (args.namespace === NAMESPACE) return undefined;
      return { path: args.path, namespace: NAMESPACE, pluginData: { resolveDir: args.resolveDir } };
    });
    build.onLoad({ filter: /.*/, namespace: NAMESPACE }, (args) => ({ contents: standIn(args.path), resolveDir: args.pluginData.resolveDir, loader: 'js' }));
  },
};

/** A CommonJS module whose exports are the real module's, loaded at the first read of any of them. */
function standIn(specifier) {
  return `let real;
const load = () => (real ??= require(${JSON.stringify(specifier)}));
module.exports = new Proxy(Object.create(null), {
  get: (_, name) => load()[name],
  has: (_, name) => name in load(),
  ownKeys: () => Reflect.ownKeys(load()),
  getOwnPropertyDescriptor: (_, name) => {
    const descriptor = Reflect.getOwnPropertyDescriptor(load(), name);
    return descriptor && { ...descriptor, configurable: true };
  },
});
`;
}
