/** No Server-Sent Events or multipart responses: the API has no subscriptions, @defer or @stream. */
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';

const JSON_MEDIA_TYPES = ['application/graphql-response+json', 'application/json', 'application/*', '*/*'];
const STREAMING_MEDIA_TYPES = ['text/event-stream', 'multipart/mixed'];

/** The media types of an Accept header, parameters (q=...) left out. */
function mediaTypes(accept: string | null): string[] {
  return (accept ?? '')
    .split(',')
    .map((item) => item.split(';')[0].trim().toLowerCase())
    .filter(Boolean);
}

/**
 * Refuses, with 406, a GraphQL request that accepts a streaming response but no JSON one: Yoga
 * would answer it as Server-Sent Events (or multipart), a second transport for one-shot results
 * that no client of this API needs. Clients that list a stream type beside JSON (urql's and
 * GraphiQL's defaults) get JSON, as Yoga prefers it. WebSockets are closed separately (the
 * gateway's `disableWebsockets`). When the API gets subscriptions, open these only together
 * with the same limits, origin checks and request log as HTTP.
 */
export function useNoStreamingResponses({ graphqlPath }: { graphqlPath: string }): GatewayPlugin {
  return {
    onRequest({ request, url, endResponse, fetchAPI }) {
      if (url.pathname !== graphqlPath || request.method === 'OPTIONS') return;
      const accepted = mediaTypes(request.headers.get('accept'));
      if (!accepted.some((type) => STREAMING_MEDIA_TYPES.includes(type))) return;
      if (accepted.some((type) => JSON_MEDIA_TYPES.includes(type))) return;
      const error = {
        message: `Streaming responses (${STREAMING_MEDIA_TYPES.join(', ')}) are not served: this API has no subscriptions. Accept application/graphql-response+json or application/json.`,
        extensions: { code: 'STREAMING_NOT_SUPPORTED' },
      };
      endResponse(
        new fetchAPI.Response(JSON.stringify({ errors: [error] }), {
          status: 406,
          headers: { 'content-type': 'application/json; charset=utf-8' },
        }),
      );
    },
  };
}
