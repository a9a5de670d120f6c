// The last Graph SDK middleware when Graph's certificate chains to an extra CA (the local Graph emulator's
// self-signed certificate, or an organisation's TLS-inspecting proxy): the SDK's own fetch call, through the
// shared agent that trusts that CA.

import type { Context, Middleware } from '@microsoft/microsoft-graph-client';
import { type TrustedCa, trustCa } from '../shared/https-with-ca.js';

export class TrustingHttpsHandler implements Middleware {
  readonly #trusted: TrustedCa;

  constructor(caCertificate: string) {
    this.#trusted = trustCa(caCertificate);
  }

  async execute(context: Context): Promise<void> {
    context.response = await this.#trusted.fetch(context.request, context.options as RequestInit | undefined);
  }
}
