/** A subgraph that cannot be reached costs its fields with an error that says so, never a 500. */
import type { GatewayPlugin, Logger } from '@graphql-hive/gateway-runtime';

// Network failures of a subgraph that is restarting, being replaced or gone. Timeouts are not
// among them: the gateway reports those itself, with GATEWAY_TIMEOUT.
// Nothing listens, or its name does not resolve (yet: a recreated container): the request never
// reached it, so retrying is safe.
export const NOT_DELIVERED_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
// The connection broke mid-call: the subgraph may have received, and run, the operation.
export const CUT_SHORT_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);
export const UNREACHABLE_CODES = new Set([...NOT_DELIVERED_CODES, ...CUT_SHORT_CODES]);

/** The code of a network failure, thrown by Node's http (`code`) or by fetch (`cause.code`). */
function networkCode(error: any): string {
  return String(error?.code ?? error?.cause?.code ?? '');
}

/**
 * What an unreachable subgraph "answers": no data, one error naming it, without its address.
 * When the connection broke mid-call the message says a mutation may have been applied, so a
 * client does not blindly send it again (a second createPost).
 */
export function unreachableSubgraphResponse(subgraphName: string, code: string): Response {
  const message = CUT_SHORT_CODES.has(code)
    ? `The connection to the ${subgraphName} service broke; a mutation may or may not have been applied: check before retrying it.`
    : `The ${subgraphName} service could not be reached; retry shortly.`;
  const error = {
    message,
    extensions: { code: 'DOWNSTREAM_SERVICE_ERROR', serviceName: subgraphName },
  };
  return new Response(JSON.stringify({ data: null, errors: [error] }), {
    status: 200,
    headers: { 'content-type': 'application/json; charset=utf-8' },
  });
}

/**
 * The gateway's own error for a subgraph it cannot reach wraps the network error, so Yoga's
 * error masking turns it into "Unexpected error.", code INTERNAL_SERVER_ERROR and HTTP 500 for
 * an operation that only that subgraph answers (`me`, `login` while users is restarted): the
 * client cannot tell a subgraph away for a few seconds from a bug, and the router logged the
 * failed call with its body (a login's password). Here such a call answers, in place of the
 * subgraph, a GraphQL response whose error names it: the operation gets DOWNSTREAM_SERVICE_ERROR
 * with serviceName (HTTP 200, the other subgraphs' fields intact), and the router logs one
 * warning with the subgraph and the network code, nothing of the request (on the request's
 * logger, with its requestId; `log` where the call has none).
 */
export function useUnreachableSubgraphErrors({ log }: { log: Pick<Logger, 'warn'> }): GatewayPlugin {
  return {
    onFetch({ fetchFn, setFetchFn, executionRequest, context }) {
      const subgraphName = executionRequest?.subgraphName;
      if (!subgraphName) return;
      setFetchFn(async (...args: Parameters<typeof fetchFn>) => {
        try {
          return await fetchFn(...args);
        } catch (error) {
          const code = networkCode(error);
          if (!UNREACHABLE_CODES.has(code)) throw error;
          const requestLog = (context as { log?: Pick<Logger, 'warn'> } | undefined)?.log ?? log;
          requestLog.warn({ subgraphName, code }, 'subgraph unreachable');
          return unreachableSubgraphResponse(subgraphName, code);
        }
      });
    },
  };
}
