// Demo mode's rule for the Bot Connector address an inbound activity may leave behind for proactive messages.
//
// Why: in demo mode nothing is authenticated, so any local program (a curl from the README, a test, the Playground)
// can post an activity, and with it a serviceUrl that replaces a persona's stored chat address. A serviceUrl that
// leads nowhere (http://127.0.0.1:9/) would then swallow every later message to that person: a status result, a
// manager's decision. So demo mode keeps an address only if it is the connector emulator's, or another connector on
// this machine that answers now (the Playground's own); anything else is not stored, and a log line says so. Real
// traffic is authenticated: there a new address is kept (Teams moves chats between regions) and the move is logged.

import { connect } from 'node:net';
import { isLoopbackUrl } from '../config/load-config.js';

/** Undefined when the address may be kept; otherwise why not, in words for the log. */
export type AddressCheck = (serviceUrl: string) => Promise<string | undefined>;

/** How long a connector's answer (or silence) is trusted before it is asked again. */
const VERDICT_MS = 60_000;
const CONNECT_TIMEOUT_MS = 1_000;

export function demoAddressCheck(emulatorServiceUrl: string | undefined, now: () => number = performance.now.bind(performance)): AddressCheck {
  const verdicts = new Map<string, { why: string | undefined; at: number }>();
  return async (serviceUrl) => {
    if (emulatorServiceUrl !== undefined && serviceUrl === emulatorServiceUrl) return undefined;
    let url: URL;
    try {
      url = new URL(serviceUrl);
    } catch {
      return 'it is not a URL';
    }
    if (!isLoopbackUrl(serviceUrl)) return 'demo mode sends only to the connector emulator and other connectors on this machine';
    const known = verdicts.get(url.origin);
    if (known && now() - known.at < VERDICT_MS) return known.why;
    const why = (await answers(url)) ? undefined : `nothing answers at ${url.host}`;
    verdicts.set(url.origin, { why, at: now() });
    return why;
  };
}

/** Whether something accepts a TCP connection at the URL's host and port (loopback only, so this is quick). */
function answers(url: URL): Promise<boolean> {
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  return new Promise((resolve) => {
    const socket = connect({ host: url.hostname.replace(/^\[|\]$/g, ''), port });
    const done = (answered: boolean) => {
      socket.destroy();
      resolve(answered);
    };
    socket.setTimeout(CONNECT_TIMEOUT_MS, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
