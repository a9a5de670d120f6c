// What a Graph client needs to reach the emulator: its CA-trusting transport and credential options.

import { trustCa } from '../../shared/https-with-ca.js';

export { TrustingHttpsHandler } from '../../directory/graph-https-handler.js';

/** The @azure/identity options that make a credential use the emulator's token service. */
export function emulatorCredentialOptions(emulator: { authorityHost: string; caCertificate: string }): {
  authorityHost: string;
  disableInstanceDiscovery: true;
  tlsOptions: { ca: string };
} {
  return { authorityHost: emulator.authorityHost, disableInstanceDiscovery: true, ...trustCa(emulator.caCertificate).identityOptions };
}
