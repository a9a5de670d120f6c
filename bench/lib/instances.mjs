// Around the bots of an outreach run: free loopback ports, the splitter that alternates Teams' calls between several
// instances, and who holds the sender's lease (the instance a --kill-every run kills).

import http from 'node:http';
import net from 'node:net';

/** A free loopback port: listen on 0, read it, close. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Teams' calls alternated between the instances that are up and ready (a restarted one joins once its /readyz
 * answers), as a load balancer with a health check in front of App Service would. `failed()`: calls it could not
 * deliver (no instance ready, or the chosen one went down under it), answered 503 or 502.
 * @param {{ bot?: { process: import('node:child_process').ChildProcess }, ready?: boolean, port: number }[]} instances
 * @returns {Promise<{ url: string, close: () => Promise<void>, failed: () => number }>}
 */
export async function startSplitter(instances) {
  let turn = 0;
  let failed = 0;
  const server = http.createServer((request, response) => {
    const up = instances.filter((instance) => instance.ready && instance.bot && instance.bot.process.exitCode === null && instance.bot.process.signalCode === null);
    const target = up[turn++ % Math.max(1, up.length)];
    if (!target) {
      failed += 1;
      response.writeHead(503).end();
      return;
    }
    const forward = http.request({ host: '127.0.0.1', port: target.port, path: request.url, method: request.method, headers: request.headers }, (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    });
    forward.on('error', () => {
      failed += 1;
      response.writeHead(502).end();
    });
    request.pipe(forward);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}/api/messages`, close: () => new Promise((resolve) => server.close(resolve)), failed: () => failed };
}

/** Who holds a store lease (the sender's), read from the bots' Azure table. */
export class LeaseReader {
  constructor(kit, azurite) {
    this.kit = kit;
    this.azurite = azurite;
  }

  async holder(name) {
    try {
      const { TableClient } = await import('@azure/data-tables');
      this.client ??= TableClient.fromConnectionString(this.azurite.connectionString, 'benchoutreach', { allowInsecureConnection: true });
      const lease = await this.client.getEntity('~leases', this.kit.encodeName(name));
      return lease.expiresAt > Date.now() ? lease.holder : undefined;
    } catch {
      return undefined;
    }
  }
}
