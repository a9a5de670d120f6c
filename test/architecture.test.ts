// The shape of src/, from its imports (type imports included): layers that only import downwards, features that never
// import each other, no cycle between folders, and the local Microsoft 365 (src/dev/) reached only from the entry
// point that runs demo mode. docs/architecture.md draws the same picture.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(import.meta.dirname, '..', 'src');

/** Each folder of src/ (files at its top are `entry`) in its layer; lower layers never import higher ones. */
const LAYERS = {
  kernel: ['errors', 'logging', 'shared', 'config', 'telemetry'],
  infrastructure: ['store', 'directory', 'messaging', 'outbox', 'audit', 'cards'],
  features: ['objections', 'enrollment', 'campaigns', 'escalation', 'helpdesk', 'onboarding', 'managers', 'digest'],
  interaction: ['conversation', 'bot', 'http', 'tab'],
  composition: ['app', 'privacy', 'entry'],
  dev: ['dev'],
} as const;
type Layer = keyof typeof LAYERS;
const ORDER: Layer[] = ['kernel', 'infrastructure', 'features', 'interaction', 'composition', 'dev'];
/** The only module outside src/dev/ that may import it: the CLI, which runs demo mode and the emulators' own commands. */
const DEV_ENTRY = 'cli.ts';

function layerOf(folder: string): Layer {
  for (const layer of ORDER) if ((LAYERS[layer] as readonly string[]).includes(folder)) return layer;
  throw new Error(`src/${folder}/ is in no layer: add it to LAYERS in test/architecture.test.ts and to docs/architecture.md`);
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return name.endsWith('.ts') ? [full] : [];
  });
}

interface Edge {
  from: string;
  to: string;
  fromFolder: string;
  toFolder: string;
}

function folderOf(file: string): string {
  const relative = path.relative(SRC, file).split(path.sep);
  return relative.length === 1 ? 'entry' : (relative[0] as string);
}

/** Every relative import of every file in src/ (static, type-only and dynamic imports and re-exports alike). */
function edges(): Edge[] {
  return sourceFiles(SRC).flatMap((file) => {
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    return info.importedFiles
      .map((imported) => imported.fileName)
      .filter((name) => name.startsWith('.'))
      .map((name) => {
        const target = path.resolve(path.dirname(file), name.replace(/\.js$/, '.ts'));
        return { from: path.relative(SRC, file), to: path.relative(SRC, target), fromFolder: folderOf(file), toFolder: folderOf(target) };
      })
      .filter((edge) => edge.fromFolder !== edge.toFolder);
  });
}

/** Lines as an editor counts them: a final line break ends the last line, it does not start another. */
function lineCount(text: string): number {
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}

const ALL = edges();
const show = (list: Edge[]) => list.map((edge) => `${edge.from} → ${edge.to}`);

describe('the architecture of src/', () => {
  it('puts every folder in a layer', () => {
    for (const edge of ALL) {
      layerOf(edge.fromFolder);
      layerOf(edge.toFolder);
    }
  });

  it('imports only downwards: no layer reaches into a higher one', () => {
    const upwards = ALL.filter((edge) => edge.toFolder !== 'dev' && ORDER.indexOf(layerOf(edge.toFolder)) > ORDER.indexOf(layerOf(edge.fromFolder)));
    expect(show(upwards)).toEqual([]);
  });

  it('keeps features apart: a rule two features need lives in the kernel or the infrastructure', () => {
    const across = ALL.filter((edge) => layerOf(edge.fromFolder) === 'features' && layerOf(edge.toFolder) === 'features');
    expect(show(across)).toEqual([]);
  });

  it('reaches the local Microsoft 365 (src/dev/) only from the CLI', () => {
    const intoDev = ALL.filter((edge) => edge.toFolder === 'dev' && edge.fromFolder !== 'dev' && edge.from !== DEV_ENTRY);
    expect(show(intoDev)).toEqual([]);
  });

  it('has no cycle between folders', () => {
    const graph = new Map<string, Set<string>>();
    for (const edge of ALL) {
      if (!graph.has(edge.fromFolder)) graph.set(edge.fromFolder, new Set());
      graph.get(edge.fromFolder)?.add(edge.toFolder);
    }
    const cycles: string[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (folder: string, trail: string[]) => {
      if (state.get(folder) === 'done') return;
      if (state.get(folder) === 'visiting') {
        cycles.push([...trail.slice(trail.indexOf(folder)), folder].join(' → '));
        return;
      }
      state.set(folder, 'visiting');
      for (const next of graph.get(folder) ?? []) visit(next, [...trail, folder]);
      state.set(folder, 'done');
    };
    for (const folder of graph.keys()) visit(folder, []);
    expect(cycles).toEqual([]);
  });

  it('keeps every file outside src/dev/ and src/objections/ under 400 lines', () => {
    const large = sourceFiles(SRC)
      .filter((file) => !['dev', 'objections'].includes(folderOf(file)))
      .map((file) => ({ file: path.relative(SRC, file), lines: lineCount(readFileSync(file, 'utf8')) }))
      .filter(({ lines }) => lines > 400)
      .map(({ file, lines }) => `${file}: ${lines} lines`);
    expect(large).toEqual([]);
  });
});

describe('the architecture test itself', () => {
  it('sees the imports it judges (type imports and re-exports included)', () => {
    expect(ALL.some((edge) => edge.from === 'main.ts' && edge.toFolder === 'app')).toBe(true);
    expect(ALL.some((edge) => edge.from.startsWith('dev/') && edge.toFolder === 'app')).toBe(true);
    expect(ALL.length).toBeGreaterThan(200);
  });
});
