/**
 * Authentication at the router: where the signing keys come from, how the token is read from the
 * request, and the JWT plugin's options. The router only checks tokens (401 before any subgraph is
 * called); the subgraphs get the raw Authorization header and verify it themselves.
 * The access-token-only rule is a plugin: plugins/access-token-policy.ts.
 */
import { generateKeyPairSync } from 'node:crypto';
import { createInlineSigningKeyProvider } from '@graphql-mesh/plugin-jwt-auth';
import { GraphQLError } from 'graphql';
import { unauthenticated } from './errors.ts';
import type { JwtSettings } from './settings.ts';
import { SigningKeyStore } from './signing-keys.ts';

type SigningKeyProvider = (kid?: string) => Promise<string | undefined> | string | undefined;

// A public key nobody holds the private half of: returned in the rare case that a refresh drops a
// token's key between the token lookup (which checked the kid) and the signature check, so that
// the token fails verification with 401 (the JWT plugin turns a missing key into a 500).
const unmatchableKey = generateKeyPairSync('rsa', { modulusLength: 2048 })
  .publicKey.export({ type: 'spki', format: 'pem' })
  .toString();

// How long a fetch of the JWKS may take before the last good key set is used instead.
const JWKS_FETCH_TIMEOUT_MS = 5000;
// At most one on-demand JWKS fetch per this long for tokens whose kid is not in the key set: a key
// rotated in since the last refresh is found by the first token that names it (within 30 s even
// while someone floods the router with made-up kids), and the flood costs one fetch per 30 s.
const UNKNOWN_KEY_COOLDOWN_MS = 30_000;

/** The users subgraph's JWKS, kept and refreshed in the background (signing-keys.ts). */
export function jwksKeyStore(jwt: JwtSettings, warn: (message: string) => void): SigningKeyStore {
  return new SigningKeyStore({
    jwksUrl: jwt.jwksUrl,
    refreshIntervalMs: jwt.jwksRefreshSeconds * 1000,
    unknownKeyCooldownMs: UNKNOWN_KEY_COOLDOWN_MS,
    fetchTimeoutMs: JWKS_FETCH_TIMEOUT_MS,
    warn,
  });
}

/**
 * Where the signature key comes from. With a JWKS the token lookup has already made sure the
 * token's kid is in the store, so this never fetches.
 */
export function signingKeyProvider(jwt: JwtSettings, keyStore?: SigningKeyStore): SigningKeyProvider {
  if (jwt.algorithm === 'HS256') return createInlineSigningKeyProvider(jwt.secretKey!);
  // Like the subgraphs: a configured public key wins, otherwise the JWKS.
  if (jwt.publicKey) return createInlineSigningKeyProvider(jwt.publicKey);
  if (!keyStore) throw new Error('RS256 with a JWKS needs the key store');
  return (kid) => keyStore.cached(kid) ?? unmatchableKey;
}

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

type TokenHeader = { alg: string; kid?: unknown };

/** The token in `Authorization: Bearer <JWT>` and its decoded header; throws 401 when malformed. */
function bearerToken(request?: Request): { token: string; header: TokenHeader } | undefined {
  const authorization = request?.headers.get('authorization')?.trim();
  if (!authorization) return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(authorization);
  if (!match) throw unauthenticated('Authorization header must be "Bearer <access token>"');
  const token = match[1];
  try {
    if (!JWT_SHAPE.test(token)) throw new Error('not a JWT');
    const header = JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString('utf8'));
    if (typeof header !== 'object' || header === null || typeof header.alg !== 'string') {
      throw new Error('no alg');
    }
    return { token, header };
  } catch {
    throw unauthenticated('Malformed access token');
  }
}

/**
 * Token lookup: no/empty Authorization header means "anonymous" (the request passes through);
 * anything else must be `Bearer <JWT>` or it is refused.
 */
export function bearerTokenFromHeader({ request }: { request?: Request }) {
  const found = bearerToken(request);
  return found && { prefix: 'Bearer', token: found.token };
}

/**
 * The token lookup with a JWKS: also refuses, before any signature check, a token whose kid is
 * not in the key set (401), and answers 503 while no key set could ever be fetched. The JWT plugin
 * re-throws a GraphQLError from a lookup as it is, where it would turn a key provider's error into
 * a masked 500.
 */
export function bearerTokenWithKnownKey(keyStore: SigningKeyStore) {
  return async ({ request }: { request?: Request }) => {
    const found = bearerToken(request);
    if (!found) return undefined;
    const { kid } = found.header;
    const key = kid === undefined || typeof kid === 'string' ? await keyStore.lookup(kid) : { status: 'unknown' };
    if (key.status === 'unknown') throw unauthenticated('Access token signed with an unknown key');
    if (key.status === 'unavailable') {
      throw new GraphQLError('Signing keys are not available yet; try again shortly', {
        extensions: { code: 'SERVICE_UNAVAILABLE', http: { status: 503 } },
      });
    }
    return { prefix: 'Bearer', token: found.token };
  };
}

/**
 * The gateway's `jwt` option. With a JWKS (RS256 without JWT_PUBLIC_KEY) it starts the key
 * store, which fetches the keys at once and then every JWT_JWKS_REFRESH_SECONDS.
 */
export function jwtOptions(jwt: JwtSettings, warn: (message: string) => void) {
  const usesJwks = jwt.algorithm === 'RS256' && !jwt.publicKey;
  const keyStore = usesJwks ? jwksKeyStore(jwt, warn) : undefined;
  keyStore?.start();
  return {
    signingKeyProviders: [signingKeyProvider(jwt, keyStore)],
    tokenLookupLocations: [keyStore ? bearerTokenWithKnownKey(keyStore) : bearerTokenFromHeader],
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
