// A local OpenID provider that signs Bot Framework-style JWTs, so inbound auth is tested for real, offline.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';

export interface TokenIssuer {
  url: string;
  openIdMetadataUrl: string;
  issuer: string;
  /** Signs a token with the published key (or a key nobody published, with `rogue: true`). */
  sign(claims: Record<string, unknown>, options?: { expiresInSeconds?: number; rogue?: boolean; issuer?: string }): Promise<string>;
  close(): Promise<void>;
}

export async function startTokenIssuer(options: { endorsements?: string[] } = {}): Promise<TokenIssuer> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const rogue = await generateKeyPair('RS256');
  const kid = 'local-test-key';
  const jwk: JWK & { endorsements?: string[] } = { ...(await exportJWK(publicKey)), kid, use: 'sig', alg: 'RS256', endorsements: options.endorsements ?? ['msteams'] };
  let base = '';
  const server: Server = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/.well-known/openid-configuration') {
      res.end(JSON.stringify({ issuer: base, jwks_uri: `${base}/keys`, id_token_signing_alg_values_supported: ['RS256'] }));
    } else if (req.url === '/keys') {
      res.end(JSON.stringify({ keys: [jwk] }));
    } else {
      res.statusCode = 404;
      res.end('{}');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const issuer = `${base}/issuer`;
  return {
    url: base,
    openIdMetadataUrl: `${base}/.well-known/openid-configuration`,
    issuer,
    async sign(claims, signOptions = {}) {
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
        .setIssuer(signOptions.issuer ?? issuer)
        .setIssuedAt(now - 5)
        .setNotBefore(now - 5)
        .setExpirationTime(now + (signOptions.expiresInSeconds ?? 3600))
        .sign(signOptions.rogue ? rogue.privateKey : privateKey);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The BOT_* settings that point the bot's inbound and outbound Bot Framework auth at this issuer. */
export function botEndpointSettings(issuer: TokenIssuer): Record<string, string> {
  return {
    BOT_OPENID_METADATA_URL: issuer.openIdMetadataUrl,
    BOT_TOKEN_ISSUER: issuer.issuer,
    BOT_EMULATOR_OPENID_METADATA_URL: issuer.openIdMetadataUrl,
    BOT_LOGIN_URL: `${issuer.url}/login`,
    BOT_OAUTH_SCOPE: `${issuer.url}/.default`,
    BOT_OAUTH_URL: issuer.url,
    BOT_VALIDATE_AUTHORITY: 'false',
  };
}
