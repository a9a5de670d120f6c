// Baseline for the turn benchmark: the smallest botbuilder bot on restify that answers a Teams message.
// Same transport as Passkey Coach (restify 11, 256 KB body limit, CloudAdapter with auth disabled) and
// nothing else, so the ratio between the two is what Passkey Coach adds per turn.
//
// Usage: node bench/echo-bot.mjs   → prints {"msg":"listening","url":"http://127.0.0.1:PORT"} on stdout.

import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

// restify → spdy → http-deceiver touches process.binding (DEP0111) on load; the bot's launcher drops the same warning.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = (warning, ...args) => {
  const code = typeof args[0] === 'object' && args[0] !== null ? args[0].code : args[1];
  if (code === 'DEP0111') return;
  emitWarning(warning, ...args);
};

const restify = require('restify');
const { CloudAdapter, ConfigurationBotFrameworkAuthentication } = require('botbuilder');

const MAX_BODY_BYTES = 256 * 1024;

// Empty options: no app id, so inbound authentication is off (like Passkey Coach's demo mode).
const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
adapter.onTurnError = async (context, error) => {
  process.stderr.write(`echo-bot: turn failed: ${error?.stack ?? error}\n`);
  await context.sendActivity('echo: error');
};

const server = restify.createServer({ name: 'echo-bot', handleUncaughtExceptions: false });
server.use(restify.plugins.bodyReader({ maxBodySize: MAX_BODY_BYTES }));
server.use(restify.plugins.jsonBodyParser({ mapParams: false }));

server.get('/readyz', async (_req, res) => {
  res.send(200, { status: 'ready' });
});

server.post('/api/messages', async (req, res) => {
  await adapter.process(req, res, async (context) => {
    await context.sendActivity(`echo: ${context.activity.text}`);
  });
});

server.listen(0, '127.0.0.1', () => {
  const { port } = server.server.address();
  process.stdout.write(`${JSON.stringify({ msg: 'listening', url: `http://127.0.0.1:${port}` })}\n`);
});

const stop = () => {
  server.server.closeAllConnections?.();
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
