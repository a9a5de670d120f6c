// The bundle loads gpt-tokenizer (teams-ai's GPT encodings, which the coach never uses) on first use, not at start-up,
// and a caller that does use it gets the real module's answers.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { lazyModules } from '../../scripts/lazy-modules.mjs';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const scratch = mkdtempSync(path.join(os.tmpdir(), 'lazy-modules-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Bundles `source` as the build does (with the plugin), leaving gpt-tokenizer outside so Node's cache shows its loading. */
async function bundle(source: string): Promise<string> {
  const outfile = path.join(scratch, `bundle-${Date.now()}.cjs`);
  await build({
    stdin: { contents: source, resolveDir: ROOT, loader: 'js' },
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    logLevel: 'silent',
    external: ['gpt-tokenizer', 'gpt-tokenizer/*'],
    plugins: [lazyModules],
  });
  return outfile;
}

/** Runs `script` in a fresh Node with `bundle` required as `m`; `loaded()` says whether gpt-tokenizer is in. */
function run(bundleFile: string, script: string): Record<string, unknown> {
  const prelude = `const m = require(${JSON.stringify(bundleFile)}); const loaded = () => Object.keys(require.cache).some((file) => file.includes('${path.sep}gpt-tokenizer${path.sep}'));`;
  // The bundle sits in a scratch folder: Node finds the real gpt-tokenizer in this checkout's node_modules.
  const result = spawnSync(process.execPath, ['-e', `${prelude}\n${script}`], { cwd: ROOT, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', NODE_PATH: path.join(ROOT, 'node_modules') } });
  if (result.status !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout) as Record<string, unknown>;
}

describe('gpt-tokenizer in the bundle', () => {
  it('is not loaded by requiring it, and is loaded with the real answers at first use', { timeout: 30_000 }, async () => {
    const file = await bundle("module.exports = { tokenizer: require('gpt-tokenizer'), model: require('gpt-tokenizer/cjs/model/text-davinci-003') };");
    const seen = run(
      file,
      `const atStart = loaded();
       const tokens = m.tokenizer.encode('Passkeys replace passwords.');
       const afterUse = loaded();
       const direct = require('gpt-tokenizer').encode('Passkeys replace passwords.');
       console.log(JSON.stringify({ atStart, afterUse, tokens, direct, decoded: m.tokenizer.decode(tokens), hasEncode: 'encode' in m.model, keys: Object.keys(m.tokenizer).includes('decode') }));`,
    );
    expect(seen.atStart).toBe(false);
    expect(seen.afterUse).toBe(true);
    expect(seen.tokens).toEqual(seen.direct);
    expect((seen.tokens as number[]).length).toBeGreaterThan(2);
    expect(seen.decoded).toBe('Passkeys replace passwords.');
    expect(seen.hasEncode).toBe(true);
    expect(seen.keys).toBe(true);
  });
});
