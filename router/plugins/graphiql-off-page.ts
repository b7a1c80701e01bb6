/** Where GraphiQL is off: a browser asking for it gets a short page saying how to turn it on. */
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';

/** The variable that turns GraphiQL on (with introspection, which it needs): see settings.ts. */
export const GRAPHIQL_VARIABLE = 'ROUTER_INTROSPECTION';

// Static text, no script, no style, no link: nothing on it can load or run anything.
export const GRAPHIQL_OFF_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>GraphiQL is off</title>
</head>
<body>
<h1>GraphiQL is off</h1>
<p>This router serves the GraphQL API at this address (POST, or GET with a query, as JSON) but
not GraphiQL: introspection is off, as it is by default outside development.</p>
<p>To turn it on, set <code>${GRAPHIQL_VARIABLE}=true</code> in the router's environment and
restart the router (Docker Compose: in <code>.env</code>, then <code>docker compose up -d router</code>).
Anyone can then read the whole schema.</p>
</body>
</html>
`;

// The page's headers: an exact media type the browser must not second-guess, a policy that
// forbids every script, style, frame and form even if the text changes, and no caching, so the
// page disappears as soon as GraphiQL is turned on.
const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'cache-control': 'no-store',
  // The same address answers API clients with JSON.
  vary: 'Accept',
};

/**
 * The request Yoga would answer with GraphiQL when it is on (its `shouldRenderGraphiQL`): a GET
 * of the GraphQL path whose Accept header names text/html, which a browser's navigation sends.
 * An API client (Accept: application/json, application/graphql-response+json, or none) never
 * matches, so it gets the same answers as before.
 */
function asksForGraphiQL(request: Request, pathname: string, graphqlPath: string): boolean {
  if (request.method !== 'GET') return false;
  if (pathname !== graphqlPath && pathname !== `${graphqlPath}/`) return false;
  return (request.headers.get('accept') ?? '').toLowerCase().includes('text/html');
}

/**
 * Answers a browser's request for GraphiQL, where it is not served, with GRAPHIQL_OFF_PAGE and
 * status 404: there is no GraphiQL at this address, the browser shows the page anyway, and
 * monitoring or a link checker is not told the explorer is served (200). Not 406 (what Yoga
 * answers, with an empty body): a browser's Accept ends in *\/*, so JSON would be acceptable.
 * Installed only where GraphiQL is off.
 */
export function useGraphiQLOffPage({ graphqlPath }: { graphqlPath: string }): GatewayPlugin {
  return {
    onRequest({ request, url, endResponse, fetchAPI }) {
      if (!asksForGraphiQL(request, url.pathname, graphqlPath)) return;
      endResponse(new fetchAPI.Response(GRAPHIQL_OFF_PAGE, { status: 404, headers: PAGE_HEADERS }));
    },
  };
}
