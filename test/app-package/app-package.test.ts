// The Teams app package: manifest validity (Agents Toolkit CLI), the built zip, icons, commands and project files.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { unzipSync } from 'fflate';
import pngjs from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { PERSONAL_ONLY_COMMANDS } from '../../src/bot/message-routes.js';
import { parseCommand } from '../../src/onboarding/commands.js';

const { PNG } = pngjs;
const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const INSTALL_TIMEOUT_MS = 300_000;

interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], timeout = 120_000): RunResult {
  const result = spawnSync(command, args, { cwd: root, encoding: 'utf8', timeout, stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface CommandListEntry {
  scopes: string[];
  commands: { title: string; description: string }[];
}

interface Manifest {
  id: string;
  manifestVersion: string;
  icons: { color: string; outline: string };
  bots: {
    botId: string;
    scopes: string[];
    supportsFiles: boolean;
    isNotificationOnly: boolean;
    commandLists: CommandListEntry[];
  }[];
  validDomains: string[];
  webApplicationInfo: { id: string; resource: string };
  permissions: string[];
  name: { short: string; full: string };
  description: { short: string; full: string };
}

const readManifestTemplate = (): Manifest =>
  JSON.parse(readFileSync(join(root, 'appPackage', 'manifest.json'), 'utf8')) as Manifest;

/** Every command the bot understands, exactly as a user types it (without arguments). */
const BOT_COMMANDS = [
  'help',
  'status',
  'setup',
  'talk to a person',
  'tap request',
  'tap list',
  'tap cancel',
  'campaign preview',
  'campaign start',
  'campaign status',
  'campaign pause',
  'campaign resume',
  'campaign export',
];

const PERSONAL_COMMANDS = [
  'help',
  'status',
  'setup',
  'talk to a person',
  'tap request',
  'tap list',
  'tap cancel',
  'campaign status',
  'campaign preview',
  'campaign start',
];

const TEAM_COMMANDS = ['help', 'campaign status', 'campaign preview'];

/** Reads a dotenv file into a map of names to values (the subset of the syntax the env files use). */
function readEnvFile(path: string): Map<string, string> {
  const vars = new Map<string, string>();
  for (const line of readFileSync(path, 'utf8').split(/\r?\n/)) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line.trim());
    if (match?.[1] !== undefined && match[2] !== undefined) vars.set(match[1], match[2].replace(/^"(.*)"$/, '$1'));
  }
  return vars;
}

const placeholders = (text: string): Set<string> =>
  new Set([...text.matchAll(/\$\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g)].map((m) => m[1] ?? ''));

describe('Teams app manifest', { timeout: 60_000 }, () => {
  beforeAll(() => {
    const install = run('node', ['scripts/ensure-tools.mjs'], INSTALL_TIMEOUT_MS);
    expect(install.status, install.stderr).toBe(0);
  }, INSTALL_TIMEOUT_MS);

  it('passes the Agents Toolkit validator with no error and no warning', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    const script = pkg.scripts['validate:manifest'];
    expect(script).toBeDefined();
    const result = run('sh', ['-c', script ?? 'false']);
    // ensure-tools reports on stderr what it did; everything else comes from atk.
    const atkOutput = `${result.stdout}\n${result.stderr}`
      .split('\n')
      .filter((line) => !line.startsWith('ensure-tools:'))
      .join('\n');
    expect(result.status, atkOutput).toBe(0);
    expect(atkOutput).toMatch(/checked manifest\(s\) with the corresponding schema:\s*Summary:\s*All passed\./);
    expect(atkOutput).toMatch(/against validation rules\. All passed\./);
    expect(atkOutput).not.toMatch(/\b\d+ (failed|warnings?)\b/i);
    expect(atkOutput).not.toMatch(/warn|error|\(!\)|\(×\)|✖/i);
  }, 180_000);

  it('is built into a zip with every placeholder resolved and valid icons', () => {
    const result = run('node', ['scripts/package-app.mjs', '--env', 'ci']);
    expect(result.status, result.stderr).toBe(0);
    const zipPath = resolve(root, result.stdout.trim());
    expect(zipPath).toBe(join(root, 'appPackage', 'build', 'appPackage.ci.zip'));

    const files = unzipSync(readFileSync(zipPath));
    expect(Object.keys(files).sort()).toEqual(['color.png', 'de.json', 'es.json', 'fr.json', 'manifest.json', 'nl.json', 'outline.png']);
    const manifestText = new TextDecoder().decode(files['manifest.json']);
    expect(manifestText).not.toContain('${{');
    const manifest = JSON.parse(manifestText) as Manifest;
    const env = readEnvFile(join(root, 'env', '.env.ci'));
    for (const locale of ['de', 'es', 'fr', 'nl']) {
      const localised = new TextDecoder().decode(files[`${locale}.json`]);
      expect(localised).not.toContain('${{');
      expect(JSON.parse(localised)['name.short']).toBe(manifest.name.short);
    }
    expect(manifest.bots[0]?.botId).toBe(env.get('BOT_ID'));
    expect(manifest.id).toBe(env.get('TEAMS_APP_ID'));
    expect(manifest.webApplicationInfo).toEqual({
      id: env.get('BOT_ID'),
      resource: `api://${env.get('BOT_DOMAIN')}/botid-${env.get('BOT_ID')}`,
    });
    expect(manifest.validDomains).toContain(env.get('BOT_DOMAIN'));
    expect(readFileSync(join(root, 'appPackage', 'build', 'manifest.ci.json'), 'utf8')).toBe(manifestText);

    const color = PNG.sync.read(Buffer.from(files['color.png'] ?? []));
    expect([color.width, color.height]).toEqual([192, 192]);
    for (let i = 3; i < color.data.length; i += 4) expect(color.data[i]).toBe(255);

    const outline = PNG.sync.read(Buffer.from(files['outline.png'] ?? []));
    expect([outline.width, outline.height]).toEqual([32, 32]);
    const offending: string[] = [];
    let drawn = 0;
    for (let i = 0; i < outline.data.length; i += 4) {
      const [r, g, b, a] = [outline.data[i], outline.data[i + 1], outline.data[i + 2], outline.data[i + 3]];
      const white = r === 255 && g === 255 && b === 255;
      if (a !== 0 && !white) offending.push(`pixel ${i / 4}: rgba(${r},${g},${b},${a})`);
      if (white && a === 255) drawn++;
    }
    expect(offending).toEqual([]);
    // A glyph, not an empty square: between a tenth and a half of the pixels are solid white.
    expect(drawn).toBeGreaterThan(1024 / 10);
    expect(drawn).toBeLessThan(1024 / 2);
  });

  it('speaks every language the coach speaks: a localisation file per language, with every command described', () => {
    const manifest = JSON.parse(readFileSync(join(root, 'appPackage', 'manifest.json'), 'utf8')) as Manifest & { localizationInfo: { defaultLanguageTag: string; additionalLanguages: { languageTag: string; file: string }[] } };
    const spoken = readdirSync(join(root, 'strings')).filter((name) => name !== 'en').sort();
    expect(manifest.localizationInfo.defaultLanguageTag).toBe('en');
    expect(manifest.localizationInfo.additionalLanguages.map((language) => language.languageTag).sort()).toEqual(spoken);
    const described = manifest.bots[0]!.commandLists.flatMap((list, listIndex) => list.commands.map((_command, index) => `bots[0].commandLists[${listIndex}].commands[${index}].description`));
    for (const { file } of manifest.localizationInfo.additionalLanguages) {
      const localised = JSON.parse(readFileSync(join(root, 'appPackage', file), 'utf8')) as Record<string, string>;
      expect(Object.keys(localised).filter((key) => key.includes('.commands[')).sort(), file).toEqual([...described].sort());
      // The command words stay those the bot understands in every language; only what they do is translated.
      expect(Object.keys(localised).some((key) => key.endsWith('.title')), file).toBe(false);
      expect(localised['description.full'], file).not.toBe(manifest.description.full);
    }
  });

  it('keeps the committed icons identical to what scripts/make-icons.mjs draws', () => {
    const result = run('node', ['scripts/make-icons.mjs', '--check']);
    expect(result.status, result.stderr).toBe(0);
  });

  it('refuses to package when a variable has no value, naming every one', () => {
    const project = mkdtempSync(join(tmpdir(), 'passkey-coach-package-'));
    try {
      cpSync(join(root, 'appPackage'), join(project, 'appPackage'), {
        recursive: true,
        filter: (src) => !src.includes(`${join('appPackage', 'build')}`),
      });
      cpSync(join(root, 'env', '.env.ci'), join(project, 'env', '.env.ci'));
      const partial = readFileSync(join(project, 'env', '.env.ci'), 'utf8')
        .split('\n')
        .filter((line) => !line.startsWith('BOT_ID=') && !line.startsWith('BOT_DOMAIN='))
        .join('\n');
      writeFileSync(join(project, 'env', '.env.ci'), `${partial}\nTEAMS_APP_ID=\n`);
      const result = run('node', ['scripts/package-app.mjs', '--env', 'ci', '--root', project]);
      expect(result.status).toBe(1);
      expect(result.stderr).toContain('BOT_DOMAIN, BOT_ID, TEAMS_APP_ID');

      // The optional .user file completes the set (and wins over the shared file).
      writeFileSync(
        join(project, 'env', '.env.ci.user'),
        'BOT_ID=11111111-1111-1111-1111-111111111111\nBOT_DOMAIN=bot.example.org\nTEAMS_APP_ID=22222222-2222-2222-2222-222222222222\n',
      );
      const ok = run('node', ['scripts/package-app.mjs', '--env', 'ci', '--root', project]);
      expect(ok.status, ok.stderr).toBe(0);
      const built = JSON.parse(readFileSync(join(project, 'appPackage', 'build', 'manifest.ci.json'), 'utf8')) as Manifest;
      expect(built.bots[0]?.botId).toBe('11111111-1111-1111-1111-111111111111');
      expect(built.webApplicationInfo.resource).toBe('api://bot.example.org/botid-11111111-1111-1111-1111-111111111111');
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });

  it('refuses to put a secret into the package, even when it has a value', () => {
    const project = mkdtempSync(join(tmpdir(), 'passkey-coach-package-'));
    try {
      cpSync(join(root, 'appPackage'), join(project, 'appPackage'), { recursive: true, filter: (src) => !src.includes(`${join('appPackage', 'build')}`) });
      cpSync(join(root, 'env'), join(project, 'env'), { recursive: true });
      const manifestPath = join(project, 'appPackage', 'manifest.json');
      const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { description: { short: string } };
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a Teams Toolkit placeholder, not a JS template
      manifest.description.short = 'Key ${{SECRET_BOT_PASSWORD}}';
      writeFileSync(manifestPath, JSON.stringify(manifest));
      writeFileSync(join(project, 'env', '.env.ci.user'), 'SECRET_BOT_PASSWORD=very-secret-value\n');
      const result = run('node', ['scripts/package-app.mjs', '--env', 'ci', '--root', project]);
      expect(result.status).toBe(1);
      expect(result.stderr).toContain('SECRET_BOT_PASSWORD');
      expect(result.stderr).not.toContain('very-secret-value');
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });

  it('refuses an unknown environment with a clear message', () => {
    const result = run('node', ['scripts/package-app.mjs', '--env', 'no-such-env']);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('env/.env.no-such-env not found');
  });

  it('lists only real bot commands, at most 10 per scope', () => {
    const bot = readManifestTemplate().bots[0];
    expect(bot).toBeDefined();
    expect(bot?.scopes).toEqual(['personal', 'team']);
    expect(bot?.supportsFiles).toBe(false);
    expect(bot?.isNotificationOnly).toBe(false);
    const lists = bot?.commandLists ?? [];
    expect(lists.map((list) => list.scopes)).toEqual([['personal'], ['team']]);
    const [personal, team] = lists;
    expect(personal?.commands.map((c) => c.title)).toEqual(PERSONAL_COMMANDS);
    expect(team?.commands.map((c) => c.title)).toEqual(TEAM_COMMANDS);
    for (const list of lists) {
      expect(list.commands.length).toBeLessThanOrEqual(10);
      for (const command of list.commands) {
        expect(BOT_COMMANDS).toContain(command.title);
        expect(command.description.length).toBeGreaterThan(10);
      }
    }
    // The team scope offers only what the bot answers there (pass commands are refused outside the personal chat).
    for (const command of team?.commands ?? []) {
      const id = parseCommand(command.title)?.id;
      expect(id, command.title).toBeDefined();
      expect(PERSONAL_ONLY_COMMANDS.has(id!), command.title).toBe(false);
    }
    const descriptionOf = (title: string) => personal?.commands.find((c) => c.title === title)?.description ?? '';
    expect(descriptionOf('tap request')).toContain('tap request <upn>');
    expect(descriptionOf('tap cancel')).toContain('tap cancel <id>');
  });

  it('asks Teams for SSO on the bot and the permissions proactive messages need', () => {
    const manifest = readManifestTemplate();
    // Toolkit placeholders, spelled out so they are not mistaken for template literals.
    const ref = (name: string): string => ['$', '{{', name, '}}'].join('');
    expect(manifest.webApplicationInfo).toEqual({
      id: ref('BOT_ID'),
      resource: `api://${ref('BOT_DOMAIN')}/botid-${ref('BOT_ID')}`,
    });
    expect(manifest.permissions).toEqual(['identity', 'messageTeamMembers']);
    expect(manifest.icons).toEqual({ color: 'color.png', outline: 'outline.png' });
  });
});

describe('Agents Toolkit project files', { timeout: 60_000 }, () => {
  interface ParseResult {
    isOk(): boolean;
    error?: { message: string };
    value?: Record<string, { driverDefs: { uses: string }[] } | undefined>;
  }
  interface YamlParser {
    parse(path: string, validateSchema: boolean): Promise<ParseResult>;
  }

  const loadToolkitParser = (): YamlParser => {
    const requireFromCore = createRequire(
      join(root, '.tools', 'atk', 'node_modules', '@microsoft', 'teamsfx-core', 'package.json'),
    );
    const module = requireFromCore('./build/component/configManager/parser.js') as { yamlParser: YamlParser };
    return module.yamlParser;
  };

  beforeAll(() => {
    const install = run('node', ['scripts/ensure-tools.mjs'], INSTALL_TIMEOUT_MS);
    expect(install.status, install.stderr).toBe(0);
  }, INSTALL_TIMEOUT_MS);

  const actionsOf = async (file: string, stage: string): Promise<string[]> => {
    const parsed = await loadToolkitParser().parse(join(root, file), true);
    expect(parsed.isOk(), parsed.error?.message).toBe(true);
    return parsed.value?.[stage]?.driverDefs.map((d) => d.uses) ?? [];
  };

  it('teamsapp.yml passes the toolkit schema and provisions, deploys and publishes', async () => {
    expect(await actionsOf('teamsapp.yml', 'provision')).toEqual([
      'teamsApp/create',
      'aadApp/create',
      'arm/deploy',
      'aadApp/update',
      'teamsApp/validateManifest',
      // npm run package: the one way the app package is built.
      'cli/runNpmCommand',
      'teamsApp/validateAppPackage',
      'teamsApp/update',
    ]);
    expect(await actionsOf('teamsapp.yml', 'deploy')).toEqual([
      'cli/runNpmCommand',
      'cli/runNpmCommand',
      'cli/runNpmCommand',
      'azureAppService/zipDeploy',
    ]);
    // npm ci, the build, the deployment package (test/deploy/artifact.e2e.test.ts), and that folder alone uploaded.
    const yaml = readFileSync(join(root, 'teamsapp.yml'), 'utf8');
    const deploy = yaml.slice(yaml.indexOf('\ndeploy:'), yaml.indexOf('\npublish:'));
    expect([...deploy.matchAll(/args: (.+)/g)].map((match) => match[1])).toEqual(['ci', 'run build', 'run artifact']);
    expect(deploy).toMatch(/artifactFolder: build\/artifact\n/);
    expect(deploy).not.toMatch(/ignoreFile/);
    expect(await actionsOf('teamsapp.yml', 'publish')).toContain('teamsApp/publishAppPackage');
  });

  it('teamsapp.local.yml passes the toolkit schema and writes .localConfigs', async () => {
    expect(await actionsOf('teamsapp.local.yml', 'provision')).toContain('botFramework/create');
    expect(await actionsOf('teamsapp.local.yml', 'deploy')).toContain('file/createOrUpdateEnvironmentFile');
    const text = readFileSync(join(root, 'teamsapp.local.yml'), 'utf8');
    for (const key of ['BOT_ID', 'BOT_PASSWORD', 'BOT_TYPE', 'BOT_TENANT_ID']) expect(text).toMatch(new RegExp(`\\n\\s+${key}: `));
  });

  it.each([
    ['teamsapp.yml', 'dev'],
    ['teamsapp.local.yml', 'local'],
  ])('every variable %s uses is declared in env/.env.%s or written by the toolkit', (file, env) => {
    const declared = readEnvFile(join(root, 'env', `.env.${env}`));
    const used = new Set<string>();
    const sources = [file, 'appPackage/manifest.json', 'infra/aad.manifest.json'];
    if (file === 'teamsapp.yml') sources.push('infra/azure.parameters.json');
    for (const source of sources) {
      for (const name of placeholders(readFileSync(join(root, source), 'utf8'))) used.add(name);
    }
    // Secrets live in the git-ignored .user file; aadApp/update generates the scope id itself.
    const undeclared = [...used].filter(
      (name) => !declared.has(name) && !name.startsWith('SECRET_') && name !== 'AAD_APP_ACCESS_AS_USER_PERMISSION_ID',
    );
    expect(undeclared).toEqual([]);
  });
});
