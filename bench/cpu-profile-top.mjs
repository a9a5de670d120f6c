// Summarises a V8 .cpuprofile: top functions by self time, and self time per package, mapped through source maps.
//
// Usage: node bench/cpu-profile-top.mjs <file.cpuprofile> [--top 25]
// (bench/turn.mjs --profile runs this on Passkey Coach's profile and prints the result on stderr.)

import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

/** @type {Map<string, SourceMap | null>} */
const sourceMaps = new Map();

function sourceMapFor(url) {
  if (sourceMaps.has(url)) return sourceMaps.get(url);
  let map = null;
  try {
    const file = url.startsWith('file:') ? fileURLToPath(url) : url;
    if (file.startsWith('/') && existsSync(`${file}.map`)) map = new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8')));
  } catch {
    map = null; // an unreadable map only costs the nicer names
  }
  sourceMaps.set(url, map);
  return map;
}

/** Where a profile node's function really lives: `pkg/path:line`, through the bundle's source map when there is one. */
function locate(callFrame) {
  const { url, lineNumber, columnNumber } = callFrame;
  if (!url) return { where: '(native)', pkg: callFrame.functionName.startsWith('(') ? callFrame.functionName : '(native)' };
  const map = sourceMapFor(url);
  const generated = url.startsWith('file:') ? fileURLToPath(url) : url;
  let file = generated;
  let line = lineNumber + 1;
  if (map) {
    const entry = map.findEntry(lineNumber, columnNumber);
    if (entry?.originalSource) {
      file = entry.originalSource;
      line = entry.originalLine + 1;
    }
  }
  if (file !== generated && !file.includes('node_modules/') && !existsSync(path.resolve(path.dirname(generated), file))) {
    // A dependency's own (broken) source map points at a src/ that is not ours: antlr4ts's src/atn/* ends up here.
    return { where: `${shorten(file)}:${line}`, pkg: `(dependency) ${file.replace(/^(\.\.\/)+/, '').split('/').slice(0, 2).join('/')}` };
  }
  return { where: `${shorten(file)}:${line}`, pkg: packageOf(file) };
}

function shorten(file) {
  const at = file.lastIndexOf('node_modules/');
  if (at >= 0) return file.slice(at + 'node_modules/'.length);
  const src = file.indexOf('/src/');
  if (src >= 0) return file.slice(src + 1);
  return file.replace(/^.*\/(?=[^/]+\/[^/]+$)/, '');
}

function packageOf(file) {
  const at = file.lastIndexOf('node_modules/');
  if (at >= 0) {
    const rest = file.slice(at + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (file.startsWith('node:') || !file.includes('/')) return 'node (core)';
  if (/(^|\/)src\//.test(file)) return 'passkey-coach (src)';
  return file;
}

/**
 * @param {{ nodes: { id: number, callFrame: any, hitCount?: number }[], samples: number[], timeDeltas: number[], startTime: number, endTime: number }} profile
 * @param {number} top
 * @returns {string} a plain-text report
 */
export function summarise(profile, top = 25) {
  const selfUs = new Map();
  profile.samples.forEach((id, index) => {
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0));
  });
  const total = [...selfUs.values()].reduce((sum, us) => sum + us, 0) || 1;
  const byFunction = new Map();
  const byPackage = new Map();
  for (const node of profile.nodes) {
    const us = selfUs.get(node.id) ?? 0;
    if (us === 0) continue;
    const { where, pkg } = locate(node.callFrame);
    const name = node.callFrame.functionName || '(anonymous)';
    const key = `${name}  ${where}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + us);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
  }
  const pct = (us) => `${((100 * us) / total).toFixed(1).padStart(5)}%`;
  const lines = [`profile: ${(total / 1000).toFixed(0)} ms sampled`, '', `top ${top} functions by self time:`];
  for (const [key, us] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`  ${pct(us)}  ${key}`);
  lines.push('', 'self time by package:');
  for (const [pkg, us] of [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 15)) lines.push(`  ${pct(us)}  ${pkg}`);
  lines.push('', `top ${top} named functions by total (inclusive) time:`);
  for (const [key, us] of inclusiveByFunction(profile, selfUs).slice(0, top)) lines.push(`  ${pct(us)}  ${key}`);
  return lines.join('\n');
}

/** Inclusive time per function, counting a recursive function once per stack; anonymous and V8-internal frames skipped. */
function inclusiveByFunction(profile, selfUs) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const keyOf = new Map();
  const keyFor = (node) => {
    if (!keyOf.has(node.id)) {
      const name = node.callFrame.functionName;
      keyOf.set(node.id, name && !name.startsWith('(') ? `${name}  ${locate(node.callFrame).where}` : null);
    }
    return keyOf.get(node.id);
  };
  const totals = new Map();
  const onStack = new Map();
  const visit = (node) => {
    const key = keyFor(node);
    if (key) onStack.set(key, (onStack.get(key) ?? 0) + 1);
    const us = selfUs.get(node.id) ?? 0;
    if (us > 0) for (const active of onStack.keys()) totals.set(active, (totals.get(active) ?? 0) + us);
    for (const childId of node.children ?? []) visit(byId.get(childId));
    if (key) {
      const depth = onStack.get(key) - 1;
      if (depth === 0) onStack.delete(key);
      else onStack.set(key, depth);
    }
  };
  visit(profile.nodes[0]);
  return [...totals].sort((a, b) => b[1] - a[1]);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values, positionals } = parseArgs({ options: { top: { type: 'string', default: '25' } }, allowPositionals: true });
  if (positionals.length !== 1) {
    process.stderr.write('usage: node bench/cpu-profile-top.mjs <file.cpuprofile> [--top 25]\n');
    process.exit(2);
  }
  process.stdout.write(`${summarise(JSON.parse(readFileSync(positionals[0], 'utf8')), Number(values.top))}\n`);
}
