/** Cross-origin browser access (CORS) and the header that keeps cross-site requests out (CSRF). */

// Browsers send "simple" requests (GET, or POST as a form, text/plain or without a content type)
// cross-site without asking CORS first. Such a POST must carry this header, which no HTML form can
// set and which forces a CORS preflight when a script sets it (plugins/csrf-prevention.ts; GET
// needs none: it runs only queries, without a token). JSON POSTs (every normal client, GraphiQL)
// need nothing.
export const CSRF_HEADER = 'x-graphql-csrf';

/** The gateway's `cors` option: only the configured origins, or no cross-origin access at all. */
export function corsOptions(origins: readonly string[]) {
  if (origins.length === 0) return false as const;
  return {
    origin: [...origins],
    methods: ['GET', 'POST', 'OPTIONS'],
    allowedHeaders: ['Authorization', 'Content-Type', 'x-request-id', CSRF_HEADER],
    exposedHeaders: ['x-request-id'],
    credentials: false,
    maxAge: 600,
  };
}
