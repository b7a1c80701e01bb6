/** Cross-origin browser access (CORS) and the header that keeps cross-site requests out (CSRF). */
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';

// Browsers send "simple" requests (GET, or POST as a form, text/plain or without a content type)
// cross-site without asking CORS first. Such a POST must carry this header, which no HTML form can
// set and which forces a CORS preflight when a script sets it (plugins/csrf-prevention.ts; GET
// needs none: it runs only queries, without a token). JSON POSTs (every normal client, GraphiQL)
// need nothing.
export const CSRF_HEADER = 'x-graphql-csrf';

/**
 * The gateway's `cors` option: only the configured origins, or no cross-origin access at all.
 *
 * A function of the request rather than a fixed list: given two or more origins, the server
 * answers an unlisted origin with `Access-Control-Allow-Origin: null`, which admits every page
 * whose origin is "null" (sandboxed iframes, file: pages), that is any site. Here an origin that
 * is not listed gets no CORS headers at all.
 */
export function corsOptions(origins: readonly string[]) {
  if (origins.length === 0) return false as const;
  const options = {
    origin: [...origins],
    methods: ['GET', 'POST', 'OPTIONS'],
    allowedHeaders: ['Authorization', 'Content-Type', 'x-request-id', CSRF_HEADER],
    exposedHeaders: ['x-request-id'],
    credentials: false,
    maxAge: 600,
  };
  return (request: Request) => {
    const origin = request.headers.get('origin');
    return origin !== null && origins.includes(origin) ? options : (false as const);
  };
}

/**
 * `Vary: Origin` on every response once origins are configured: whether a response carries CORS
 * headers depends on the request's Origin, so a shared cache (GET queries) must not hand one
 * origin's response to another. The server adds it itself only when several origins are listed.
 */
export function useVaryOnOrigin(): GatewayPlugin {
  return {
    onResponse({ response }) {
      const vary = response.headers.get('vary') ?? '';
      if (!/(^|,)\s*origin\s*(,|$)/i.test(vary)) response.headers.append('vary', 'Origin');
    },
  };
}
