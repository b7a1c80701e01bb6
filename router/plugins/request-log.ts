/** The request log: one line per GraphQL request, without its content. */
import type { GatewayPlugin, Logger } from '@graphql-hive/gateway';
import { getOperationAST, Kind } from 'graphql';

/**
 * One "request completed" line per GraphQL request, with the operation name,
 * HTTP status, duration and outcome (success, partial or error, with the error
 * codes). The requestId comes from the request's logger; the query text,
 * variables and headers are never logged. `logger` writes the line when the
 * request has no logger of its own.
 */
export function useRequestLog({ graphqlPath, logger }: { graphqlPath: string; logger: Logger }): GatewayPlugin {
  type Entry = { startedAt: number; operationName?: string; outcome?: string; errorCodes?: string[] };
  const entries = new WeakMap<Request, Entry>();
  const codesOf = (errors: readonly any[]) => [
    ...new Set(errors.map((error) => error?.extensions?.code).filter((code) => typeof code === 'string')),
  ];
  return {
    onRequest({ request, url }) {
      if (url.pathname === graphqlPath) entries.set(request, { startedAt: performance.now() });
    },
    onParams({ request, params }) {
      const entry = entries.get(request);
      if (entry && params.operationName) entry.operationName = params.operationName;
    },
    onParse({ context }) {
      const entry = entries.get((context as { request: Request }).request);
      if (!entry || entry.operationName) return;
      // No operationName in the request: the name of the document's only operation.
      return ({ result }) => {
        if (result && 'kind' in result && result.kind === Kind.DOCUMENT) {
          entry.operationName = getOperationAST(result)?.name?.value;
        }
      };
    },
    onResultProcess({ request, result }) {
      const entry = entries.get(request);
      if (!entry || Array.isArray(result) || !result || Symbol.asyncIterator in result) return;
      const errors = (result as { errors?: readonly unknown[] }).errors ?? [];
      const hasData = (result as { data?: unknown }).data != null;
      entry.outcome = errors.length === 0 ? 'success' : hasData ? 'partial' : 'error';
      entry.errorCodes = codesOf(errors);
    },
    onResponse({ request, response, serverContext }) {
      const entry = entries.get(request);
      if (!entry) return;
      const log = ((serverContext as { log?: Logger }).log ?? logger) as Logger;
      log.info(
        {
          method: request.method,
          operationName: entry.operationName ?? null,
          status: response.status,
          durationMs: Math.round((performance.now() - entry.startedAt) * 10) / 10,
          outcome: entry.outcome ?? (response.ok ? 'success' : 'error'),
          errorCodes: entry.errorCodes ?? [],
        },
        'request completed',
      );
    },
  };
}
