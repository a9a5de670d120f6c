// Closed-loop HTTP load: N clients each send one Teams message turn, wait for the replies, send the next.

import http from 'node:http';

/** Free text people actually type; Passkey Coach answers all of it (today with a pointer to "help"). */
const FREE_TEXT = [
  'why do I need a passkey?',
  'my employer will spy on me through my phone',
  "it's my own phone, I don't want work stuff on it",
  "I don't have a smartphone",
  'I lost my phone last week, what now?',
  'can I use a security key instead?',
  'is this mandatory?',
  'how long does the setup take',
  'what happens to my password',
  'Windows Hello keeps asking for a PIN',
];

const TENANT_ID = '11111111-1111-1111-1111-111111111111';

/** Small deterministic PRNG (mulberry32) so both targets get exactly the same sequence of turns. */
function prng(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Request bodies for `count` turns from a pool of `users` simulated people in their personal chats;
 * about half say "help" (card reply), the rest free text (text reply). Built up front so the client's
 * timed loop only sends.
 * @param {number} count
 * @param {{ users: number, seed: number }} options
 * @returns {string[]}
 */
export function buildTurnBodies(count, { users, seed }) {
  const random = prng(seed);
  const bodies = new Array(count);
  const start = Date.UTC(2026, 10, 25, 10, 0, 0);
  for (let turn = 0; turn < count; turn += 1) {
    const user = Math.floor(random() * users);
    const tag = String(user).padStart(4, '0');
    const text = random() < 0.5 ? 'help' : FREE_TEXT[Math.floor(random() * FREE_TEXT.length)];
    const at = start + seed * 1_000_000 + turn * 37;
    bodies[turn] = JSON.stringify({
      type: 'message',
      id: String(1_700_000_000_000 + seed * 1_000_000 + turn),
      timestamp: new Date(at).toISOString(),
      localTimestamp: new Date(at).toISOString().replace('Z', '+01:00'),
      channelId: 'msteams',
      serviceUrl: 'https://smba.trafficmanager.net/emea/',
      from: { id: `29:1user-${tag}`, aadObjectId: `00000000-0000-0000-0000-00000000${tag}`, name: `Person ${tag}` },
      recipient: { id: '28:bot-id', name: 'Passkey Coach' },
      conversation: { id: `a:1personal-chat-${tag}`, conversationType: 'personal', tenantId: TENANT_ID },
      channelData: { tenant: { id: TENANT_ID } },
      locale: 'en-US',
      text,
      textFormat: 'plain',
      entities: [{ type: 'clientInfo', locale: 'en-US', country: 'US', platform: 'Web', timezone: 'Europe/London' }],
      deliveryMode: 'expectReplies',
    });
  }
  return bodies;
}

/**
 * @typedef {object} LoadResult
 * @property {number} turns
 * @property {number} elapsedMs
 * @property {Float64Array} latenciesMs one per turn, in completion order
 * @property {number} errors
 * @property {Record<string, number>} errorKinds
 * @property {string[]} errorSamples up to 5, for stderr
 */

/**
 * Sends every body once, `concurrency` at a time, over one keep-alive agent.
 * A turn counts as good only when the answer is 200 with at least one reply activity.
 * @param {{ port: number, bodies: string[], concurrency: number, agent: http.Agent, requestTimeoutMs?: number }} options
 * @returns {Promise<LoadResult>}
 */
export async function runClosedLoop({ port, bodies, concurrency, agent, requestTimeoutMs = 10_000 }) {
  const latenciesMs = new Float64Array(bodies.length);
  /** @type {Record<string, number>} */
  const errorKinds = {};
  /** @type {string[]} */
  const errorSamples = [];
  let next = 0;
  let done = 0;
  let errors = 0;
  const fail = (kind, detail) => {
    errors += 1;
    errorKinds[kind] = (errorKinds[kind] ?? 0) + 1;
    if (errorSamples.length < 5) errorSamples.push(`${kind}: ${detail}`.slice(0, 300));
  };

  const client = async () => {
    while (next < bodies.length) {
      const body = bodies[next];
      next += 1;
      const sent = performance.now();
      const answer = await postTurn(port, body, agent, requestTimeoutMs);
      latenciesMs[done] = performance.now() - sent;
      done += 1;
      if (answer.error) fail('transport', answer.error);
      else if (answer.status !== 200) fail(`http-${answer.status}`, answer.body);
      else {
        const replies = repliesOf(answer.body);
        if (replies === undefined) fail('no-replies', answer.body);
      }
    }
  };

  const started = performance.now();
  await Promise.all(Array.from({ length: Math.min(concurrency, bodies.length) }, client));
  const elapsedMs = performance.now() - started;
  return { turns: bodies.length, elapsedMs, latenciesMs, errors, errorKinds, errorSamples };
}

/** The reply activities of an expectReplies answer, or undefined when there is not at least one message. */
function repliesOf(text) {
  try {
    const parsed = JSON.parse(text);
    const activities = parsed?.activities;
    if (!Array.isArray(activities) || activities.length === 0) return undefined;
    if (!activities.some((activity) => activity?.type === 'message' && (activity.text || activity.attachments?.length))) return undefined;
    return activities;
  } catch {
    return undefined;
  }
}

/**
 * @param {number} port @param {string} body @param {http.Agent} agent @param {number} timeoutMs
 * @returns {Promise<{ status?: number, body: string, error?: string }>}
 */
function postTurn(port, body, agent, timeoutMs) {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (value) => {
      if (settled) return;
      settled = true;
      resolve(value);
    };
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: '/api/messages',
        method: 'POST',
        agent,
        timeout: timeoutMs,
        headers: { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('end', () => settle({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', (error) => settle({ body: '', error: error.message }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (error) => settle({ body: '', error: error.message }));
    req.end(body);
  });
}

/** Nearest-rank percentile of an ascending-sorted array. */
export function percentile(sorted, q) {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}
