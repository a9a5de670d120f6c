// `npm run playground`: chat with the demo bot in Microsoft 365 Agents Playground, as the demo personas,
// on loopback only and with telemetry off. Finds the demo bot where `npm run demo` puts it (PORT, as the demo reads
// it), or at BOT_URL (or --bot); starts the demo bot there when nothing is running yet.

import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const fail = (message) => {
  process.stderr.write(`playground: ${message}\n`);
  process.exit(2);
};
const demoPort = process.env.PORT?.trim() || '3978';
if (!/^\d{1,5}$/.test(demoPort) || Number(demoPort) > 65535) fail(`PORT must be the demo bot's port, a number (it is "${process.env.PORT}").`);
const { values } = parseArgs({
  options: {
    bot: { type: 'string', default: process.env.BOT_URL?.trim() || `http://127.0.0.1:${demoPort}` },
    port: { type: 'string', default: '56150' },
    seed: { type: 'string', default: path.join(root, 'demo', 'tenant.json') },
    'no-browser': { type: 'boolean', default: false },
  },
});
let botUrl;
try {
  botUrl = new URL(values.bot);
} catch {
  fail(`BOT_URL (or --bot) must be the bot's address, such as http://127.0.0.1:3978 (it is "${values.bot}").`);
}
const bot = botUrl.origin;
if (!/^\d{1,5}$/.test(values.port)) fail(`--port must be a number (it is "${values.port}").`);

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

/** Whether anything accepts connections at host:port (a bot that is not ready yet, or another program). */
function listening(host, port) {
  return new Promise((resolve) => {
    const socket = connect({ host, port: Number(port) });
    socket.setTimeout(1_000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

const children = [];
const stopAll = () => {
  for (const child of children) child.kill('SIGTERM');
};
process.on('SIGINT', stopAll);
process.on('SIGTERM', stopAll);

const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(botUrl.hostname);
const botPort = botUrl.port || (botUrl.protocol === 'https:' ? '443' : '80');
if (await listening('127.0.0.1', values.port)) fail(`port ${values.port} is taken, so the Playground cannot listen there: pass --port with a free one (npm run playground -- --port 56151).`);
if (await ready(bot)) {
  process.stderr.write(`playground: using the bot at ${bot}.\n`);
} else if (!loopback) {
  fail(`no bot answers at ${bot}/readyz. Start it there, or unset BOT_URL to use (or start) the demo bot on this machine.`);
} else if (await listening(botUrl.hostname.replace(/^\[|\]$/g, ''), botPort)) {
  fail(`something listens on ${bot} but it is not a ready Passkey Coach bot. If the demo runs on another port, set PORT to it (PORT=4100 npm run playground), or BOT_URL to its address.`);
} else {
  process.stderr.write(`playground: no bot answers at ${bot}; starting the demo bot there (PORT=${botPort}).\n`);
  const demo = spawn(process.execPath, [path.join(root, 'bin', 'passkey-coach.cjs'), 'demo'], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, PORT: botPort } });
  children.push(demo);
  const deadline = Date.now() + 15_000;
  while (!(await ready(bot))) {
    if (Date.now() > deadline || demo.exitCode !== null) {
      process.stderr.write(`playground: the demo bot did not start${demo.exitCode !== null ? ' (it said why above)' : ' within 15 seconds'}.\n`);
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
    `${bot}/api/messages`,
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
