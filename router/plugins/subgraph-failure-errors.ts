/**
 * Subgraph failures cost their fields, not the response, and do not leak the router's call.
 */
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { rewritingErrors, withExtensions } from '../errors.ts';

/**
 * Errors from a failed subgraph call (timeout, connection refused; they carry
 * extensions.serviceName):
 * - with other data in the result, the failure costs its fields, not the whole
 *   response: no HTTP status of their own (a timeout would make it a 504 that
 *   most clients discard with the data), so the response is a 200 with partial
 *   data, like a subgraph that is down;
 * - outside development they lose extensions.request/response: the router's
 *   call to the subgraph, with its internal URL and body (variables included).
 */
export function useSubgraphFailureErrors({ hideCallDetails }: { hideCallDetails: boolean }): GatewayPlugin {
  const rewrite = (error: any, hasData: boolean) => {
    const extensions = error?.extensions;
    if (error?.name !== 'GraphQLError' || !extensions?.serviceName) return error;
    const { request, response, http, ...kept } = extensions;
    const keptExtensions = {
      ...kept,
      ...(hideCallDetails ? {} : { request, response }),
      ...(hasData ? {} : { http }),
    };
    return withExtensions(
      error,
      Object.fromEntries(Object.entries(keptExtensions).filter(([, value]) => value !== undefined)),
    );
  };
  return { onResultProcess: rewritingErrors((error, result) => rewrite(error, result.data != null)) };
}
