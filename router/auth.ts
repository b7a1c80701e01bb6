/**
 * Authentication at the router: where the signing keys come from, how the token is read from the
 * request, and the JWT plugin's options. The router only checks tokens (401 before any subgraph is
 * called); the subgraphs get the raw Authorization header and verify it themselves.
 * The access-token-only rule is a plugin: plugins/access-token-policy.ts.
 */
import { generateKeyPairSync } from 'node:crypto';
import { createInlineSigningKeyProvider, createRemoteJwksSigningKeyProvider } from '@graphql-hive/gateway';
import { unauthenticated } from './errors.ts';
import type { JwtSettings } from './settings.ts';

type SigningKeyProvider = (kid?: string) => Promise<string> | string;

// A public key nobody holds the private half of. Returned for tokens whose `kid` is not in the
// JWKS so that signature verification fails with 401 (the JWT plugin turns a signing-key lookup
// error into a 500 otherwise).
const unmatchableKey = generateKeyPairSync('rsa', { modulusLength: 2048 })
  .publicKey.export({ type: 'spki', format: 'pem' })
  .toString();

export function signingKeyProvider(jwt: JwtSettings): SigningKeyProvider {
  if (jwt.algorithm === 'HS256') return createInlineSigningKeyProvider(jwt.secretKey!);
  // Like the subgraphs: a configured public key wins, otherwise the JWKS.
  if (jwt.publicKey) return createInlineSigningKeyProvider(jwt.publicKey);
  // jwks-rsa client: nothing is fetched at startup; keys are fetched on the first token and
  // cached per kid (an unknown kid triggers a re-fetch, which is rate limited).
  const remote = createRemoteJwksSigningKeyProvider({
    jwksUri: jwt.jwksUrl,
    cache: true,
    cacheMaxEntries: 10,
    cacheMaxAge: 10 * 60 * 1000,
    rateLimit: true,
    jwksRequestsPerMinute: 10,
    timeout: 5000,
  });
  return async (kid) => {
    try {
      return await remote(kid);
    } catch (error) {
      if ((error as Error)?.name === 'SigningKeyNotFoundError') return unmatchableKey;
      throw error; // JWKS unreachable: the request fails closed (masked 500)
    }
  };
}

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/**
 * Token lookup: no/empty Authorization header means "anonymous" (the request passes through);
 * anything else must be `Bearer <JWT>` or it is refused.
 */
export function bearerTokenFromHeader({ request }: { request?: Request }) {
  const header = request?.headers.get('authorization')?.trim();
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) throw unauthenticated('Authorization header must be "Bearer <access token>"');
  const token = match[1];
  try {
    if (!JWT_SHAPE.test(token)) throw new Error('not a JWT');
    const head = JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString('utf8'));
    if (typeof head !== 'object' || head === null || typeof head.alg !== 'string') {
      throw new Error('no alg');
    }
  } catch {
    throw unauthenticated('Malformed access token');
  }
  return { prefix: 'Bearer', token };
}

/** The gateway's `jwt` option. */
export function jwtOptions(jwt: JwtSettings) {
  return {
    signingKeyProviders: [signingKeyProvider(jwt)],
    tokenLookupLocations: [bearerTokenFromHeader],
    tokenVerification: {
      algorithms: [jwt.algorithm],
      issuer: jwt.issuer,
      audience: jwt.audience,
      clockTolerance: jwt.leewaySeconds,
    },
    // Anonymous requests pass (public signup/login/refreshToken); a token that is present but
    // invalid is refused with 401 before any subgraph is called.
    reject: { missingToken: false, invalidToken: true },
    // The verified token is only used for the router's checks; the subgraphs get the raw
    // Authorization header and verify it themselves.
    forward: { payload: false, token: false },
  };
}
