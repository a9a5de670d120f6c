// The README stays true: generated tables current, two-command quick start, permissions equal everywhere.

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fillGeneratedSections } from '../../src/app/config-docs.js';
import { DIRECTORY_PERMISSIONS } from '../../src/directory/directory-port.js';
import { GRAPH_PERMISSIONS } from '../../src/directory/graph-permissions.js';

const root = path.resolve(import.meta.dirname, '..', '..');
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
const packageJson = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };

describe('README', () => {
  it('has its generated tables up to date (run `npm run docs` after changing the schema or permissions)', () => {
    expect(fillGeneratedSections(readme)).toBe(readme);
  });

  it('starts with a Quick start of exactly two commands, both real npm scripts', () => {
    const section = /## Quick start[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    const commands = section
      .split('\n')
      .map((line) => line.replace(/#.*$/, '').trim())
      .filter(Boolean);
    expect(commands).toEqual(['npm install && npm run demo', 'npm test']);
    expect(packageJson.scripts.demo).toBeDefined();
    expect(packageJson.scripts.test).toBeDefined();
  });

  it('documents how to run the benchmark that package.json defines', () => {
    expect(packageJson.scripts['bench:turn']).toBeDefined();
    expect(readme).toContain('npm run bench:turn');
  });
});

describe('Graph permissions', () => {
  const manifest = JSON.parse(readFileSync(path.join(root, 'infra', 'aad.manifest.json'), 'utf8')) as {
    requiredResourceAccess: { resourceAppId: string; resourceAccess: { id: string; type: 'Role' | 'Scope' }[] }[];
  };
  const requested = manifest.requiredResourceAccess
    .filter((resource) => resource.resourceAppId === 'Microsoft Graph')
    .flatMap((resource) => resource.resourceAccess.map((access) => `${access.type === 'Role' ? 'Application' : 'Delegated'}:${access.id}`))
    .sort();

  it("the bot's own Entra app requests no Graph permission: they are granted to the managed identity, by the script", () => {
    expect(requested).toEqual([]);
  });

  it('the grant script grants exactly the permissions the code declares', () => {
    const script = readFileSync(path.join(root, 'infra', 'grant-graph-permissions.sh'), 'utf8');
    const list = /^PERMISSIONS=\(\n([\s\S]*?)\n\)$/m.exec(script)?.[1] ?? '';
    const granted = list.split('\n').map((line) => line.trim()).filter(Boolean).sort();
    expect(granted).toEqual(GRAPH_PERMISSIONS.filter((p) => p.type === 'Application').map((p) => p.name).sort());
  });

  it('is exactly the set of permissions the directory operations declare', () => {
    expect(new Set(GRAPH_PERMISSIONS.map((p) => p.name))).toEqual(new Set(Object.values(DIRECTORY_PERMISSIONS).flat()));
  });

  it('only the directory module imports the Graph SDK', () => {
    const users = readdirSync(path.join(root, 'src'), { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts'))
      .filter((file) => readFileSync(path.join(root, 'src', file), 'utf8').includes("from '@microsoft/microsoft-graph-client"));
    expect(users.length).toBeGreaterThan(0);
    for (const file of users) expect(file.startsWith('directory/') || file.startsWith('dev/'), file).toBe(true);
  });

  it('every directory operation (each one a Graph call) declares the permission it needs', () => {
    // The sets above are equal even when an operation declares nothing (an empty list): each must name at least one.
    for (const [operation, needs] of Object.entries(DIRECTORY_PERMISSIONS)) expect([needs].flat(), operation).not.toEqual([]);
  });
});
