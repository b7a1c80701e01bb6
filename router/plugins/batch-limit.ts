/** A limit on the operations in one batched request, refused with a 400 that names it. */
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { GraphQLError } from 'graphql';

/**
 * Refuses a batch (a JSON array of operations, as Apollo's BatchHttpLink and graphql-request's
 * batchRequests send) of more than `maxOperations` with HTTP 400, before any of it runs. Yoga's
 * own check (`batching: { limit }`) answers 413 (payload too large), which clients report as a
 * body size problem; this one runs first, as it wraps the request parser.
 */
export function useBatchLimit(maxOperations: number): GatewayPlugin {
  return {
    onRequestParse({ requestParser, setRequestParser }) {
      if (!requestParser) return;
      setRequestParser(async (request) => {
        const params = await requestParser(request);
        if (Array.isArray(params) && params.length > maxOperations) {
          throw new GraphQLError(
            `Batch limit exceeded: at most ${maxOperations} operations per request, this one has ${params.length}`,
            { extensions: { code: 'BATCH_LIMIT_EXCEEDED', http: { status: 400 } } },
          );
        }
        return params;
      });
    },
  };
}
