/**
 * Access tokens only, and a code on every 401:
 * - the token must carry every claim the subgraphs require (REQUIRED_CLAIMS) and its `token_type`
 *   must be "access" (not "refresh"), checked right after the JWT plugin verified the token, before
 *   execution (the JWT plugin itself checks `exp` only when present);
 * - errors carrying HTTP 401 (e.g. the JWT plugin's "Unauthenticated" for a bad signature or an
 *   expired token) get `extensions.code = "UNAUTHENTICATED"`.
 */
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { rewritingErrors, unauthenticated, withExtensions } from '../errors.ts';

// The claims the subgraphs require (subgraph_kit/subgraph_kit/tokens.py REQUIRED_CLAIMS): a token
// without them is refused here too, before any subgraph is called. Without `exp` a token would
// never expire.
export const REQUIRED_CLAIMS = ['exp', 'iat', 'iss', 'aud', 'token_type', 'id'] as const;

export function useAccessTokenPolicy(): GatewayPlugin {
  const check = (jwt: any) => {
    if (!jwt) return;
    const missing = REQUIRED_CLAIMS.filter((claim) => jwt.payload?.[claim] == null);
    if (missing.length > 0) {
      throw unauthenticated(`Access token lacks required claims: ${missing.join(', ')}`);
    }
    if (jwt.payload.token_type !== 'access') {
      throw unauthenticated('Only access tokens are accepted');
    }
  };
  // (by name, not instanceof: robust to a second copy of graphql-js)
  const withCode = (error: any) => {
    if (
      error?.name === 'GraphQLError' &&
      (error.extensions?.http as any)?.status === 401 &&
      error.extensions?.code == null
    ) {
      return withExtensions(error, { ...error.extensions, code: 'UNAUTHENTICATED' });
    }
    return error;
  };
  return {
    onRequestParse({ serverContext }) {
      return {
        onRequestParseDone() {
          check((serverContext as any)?.jwt);
        },
      };
    },
    onContextBuilding({ context }) {
      check((context as any).jwt);
    },
    onResultProcess: rewritingErrors(withCode),
  };
}
