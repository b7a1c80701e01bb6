/** CSRF: refuses what a browser could send cross-site without a preflight, and that could change anything. */
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { GraphQLError } from 'graphql';

// The content types of a "simple" request: a browser sends a POST with one of these (an HTML
// form, or fetch() with a string body) to any site without asking CORS first. A POST without a
// content type is simple too (fetch() with a Blob body).
const SIMPLE_CONTENT_TYPES = new Set(['', 'application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain']);

/**
 * A POST with a simple content type (or none) runs only with `requestHeader` (any value): no
 * form can set it, and a script that sets it makes the browser ask CORS first. Such a POST could
 * run any mutation, even without a token (signup, login), from a visitor's browser.
 *
 * GET needs no header, unlike @graphql-yoga/plugin-csrf-prevention (which refuses every GET
 * without one, so urql's default GET queries fail): over GET the router runs queries only
 * (mutations get 405), a cross-site GET carries no token (the API authenticates with the
 * Authorization header, never with cookies), and CORS keeps its answer from the other site's
 * scripts. Nothing a cross-site GET can run changes anything or reads anything private.
 */
export function useCsrfPrevention({ requestHeader }: { requestHeader: string }): GatewayPlugin {
  return {
    onRequestParse({ request }) {
      if (request.method !== 'POST' || request.headers.has(requestHeader)) return;
      const contentType = (request.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
      if (!SIMPLE_CONTENT_TYPES.has(contentType)) return;
      throw new GraphQLError(
        `CSRF protection: a POST with content type "${contentType || '(none)'}" needs the ${requestHeader} header; send application/json`,
        { extensions: { code: 'CSRF_HEADER_REQUIRED', http: { status: 403 } } },
      );
    },
  };
}
