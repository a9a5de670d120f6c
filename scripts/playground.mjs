// `npm run playground`: chat with the demo bot in Microsoft 365 Agents Playground, as the demo personas,
// on loopback only and with telemetry off. Starts the demo bot too when it is not already running.

import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    bot: { type: 'string', default: process.env.BOT_URL ?? 'http://127.0.0.1:3978' },
    port: { type: 'string', default: '56150' },
    seed: { type: 'string', default: path.join(root, 'demo', 'tenant.json') },
    'no-browser': { type: 'boolean', default: false },
  },
});

const seed = JSON.parse(readFileSync(values.seed, 'utf8'));
const personas = seed.personas;
if (!personas) {
  process.stderr.write(`playground: ${values.seed} names no personas; add a "personas" block (see docs/demo-tenant.md).\n`);
  process.exit(2);
}
const byId = new Map(seed.users.map((user) => [user.id, user]));
const asPlaygroundUser = (id, label) => {
  const user = byId.get(id);
  if (!user) throw new Error(`persona ${label} (${id}) is not in the seed`);
  const [given = user.displayName, ...rest] = user.displayName.split(' ');
  return {
    id: `29:${user.id}`,
    name: user.displayName,
    userPrincipleName: user.userPrincipalName, // sic: the playground's own spelling
    aadObjectId: user.id,
    givenName: user.givenName ?? given,
    surname: user.surname ?? (rest.join(' ') || given),
    email: user.mail ?? user.userPrincipalName,
  };
};

const yaml = (value, indent = '') =>
  Object.entries(value)
    .map(([key, item]) => (typeof item === 'object' ? `${indent}${key}:\n${yaml(item, `${indent}  `)}` : `${indent}${key}: ${JSON.stringify(item)}`))
    .join('\n');
const list = (items, indent) => items.map((item) => `${indent}- ${yaml(item, `${indent}  `).trimStart()}`).join('\n');

const current = asPlaygroundUser(personas.employee, 'employee');
// The team in the playground is the helpdesk's, where team commands are used.
const team = (seed.groups ?? []).find((group) => group.role === 'helpdesk');
const others = ['manager', 'helpdesk', 'approver', 'security', 'admin'].map((label) => asPlaygroundUser(personas[label], label));
const folder = path.join(root, '.data', 'playground');
mkdirSync(folder, { recursive: true });
const configPath = path.join(folder, '.m365agentsplayground.yml');
writeFileSync(
  configPath,
  [
    'version: "0.1.1"',
    `tenantId: ${JSON.stringify(seed.tenant.id)}`,
    'bot:',
    '  id: "28:passkey-coach-demo"',
    '  name: "Passkey Coach"',
    'currentUser:',
    yaml(current, '  '),
    'users:',
    list(others, '  '),
    'personalChat:',
    '  id: "a:passkey-coach-demo-personal-chat"',
    'groupChat:',
    '  id: "19:passkey-coach-demo-group-chat@thread.v2"',
    '  name: "Roll-out questions"',
    'team:',
    '  id: "19:passkey-coach-demo-team@thread.tacv2"',
    `  name: ${JSON.stringify(team?.displayName ?? 'IT Helpdesk')}`,
    `  aadGroupId: ${JSON.stringify(team?.id ?? seed.tenant.id)}`,
    '  channels:',
    '    - id: "19:passkey-coach-demo-general@thread.tacv2"',
    '      name: "General"',
    '',
  ].join('\n'),
);

async function ready(url) {
  try {
    return (await fetch(`${url}/readyz`)).ok;
  } catch {
    return false; // not listening yet
  }
}

const children = [];
const stopAll = () => {
  for (const child of children) child.kill('SIGTERM');
};
process.on('SIGINT', stopAll);
process.on('SIGTERM', stopAll);

if (!(await ready(values.bot))) {
  process.stderr.write(`playground: no bot answers at ${values.bot}; starting the demo bot.\n`);
  const bot = spawn(process.execPath, [path.join(root, 'bin', 'passkey-coach.cjs'), 'demo'], { stdio: ['ignore', 'ignore', 'inherit'], env: process.env });
  children.push(bot);
  const deadline = Date.now() + 15_000;
  while (!(await ready(values.bot))) {
    if (Date.now() > deadline || bot.exitCode !== null) {
      process.stderr.write('playground: the demo bot did not become ready.\n');
      stopAll();
      process.exit(1);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const playground = spawn(
  process.execPath,
  [
    '--require',
    path.join(root, 'scripts', 'playground-loopback.cjs'),
    path.join(root, 'node_modules', '@microsoft', 'm365agentsplayground', 'cli.js'),
    '--app-endpoint',
    `${values.bot}/api/messages`,
    '--channel-id',
    'msteams',
    '--port',
    values.port,
    '--service-url',
    `http://127.0.0.1:${values.port}/_connector`,
    '--disable-telemetry',
  ],
  {
    cwd: folder,
    stdio: 'inherit',
    env: {
      ...process.env,
      M365_AGENTS_PLAYGROUND_CONFIG_PATH: configPath,
      APPLICATION_INSIGHTS_NO_STATSBEAT: 'true',
      ...(values['no-browser'] ? { TEAMSAPPTESTER_BROWSER: 'none' } : {}),
    },
  },
);
children.push(playground);
process.stderr.write(`playground: http://127.0.0.1:${values.port} — you are ${current.name}; switch persona in the playground's user menu.\n`);
playground.on('exit', (code) => {
  stopAll();
  process.exit(code ?? 0);
});
