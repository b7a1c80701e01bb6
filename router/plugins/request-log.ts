/** The request log: one line per GraphQL request (per operation of a batch), without its content. */
import type { GatewayPlugin, Logger } from '@graphql-hive/gateway-runtime';
import { getOperationAST, Kind } from 'graphql';

type Outcome = { outcome: string; errorCodes: string[] };

const codesOf = (errors: readonly any[]) => [
  ...new Set(errors.map((error) => error?.extensions?.code).filter((code) => typeof code === 'string')),
];

/** success, partial (data and errors) or error, with the errors' codes. */
function outcomeOf(result: unknown): Outcome {
  const errors = (result as { errors?: readonly unknown[] } | null)?.errors ?? [];
  const hasData = (result as { data?: unknown } | null)?.data != null;
  return { outcome: errors.length === 0 ? 'success' : hasData ? 'partial' : 'error', errorCodes: codesOf(errors) };
}

/**
 * One "request completed" line per GraphQL request, with the operation name,
 * HTTP status, duration and outcome (success, partial or error, with the error
 * codes); a batch gets one line per operation, as if each had been sent alone,
 * with its place in the batch (batchIndex, batchSize). The requestId comes from
 * the request's logger; the query text, variables and headers are never logged.
 * `logger` writes the line when the request has no logger of its own.
 */
export function useRequestLog({ graphqlPath, logger }: { graphqlPath: string; logger: Logger }): GatewayPlugin {
  // `params` is each operation's request as it finally runs (after APQ found its document).
  type Operation = { params: { operationName?: string | null } };
  type Entry = Partial<Outcome> & {
    startedAt: number;
    operationName?: string;
    operations: Operation[];
    batchOutcomes?: Outcome[];
  };
  const entries = new WeakMap<Request, Entry>();
  // The name of the document's operation, by the params it was parsed for.
  const parsedNames = new WeakMap<object, string>();
  return {
    onRequest({ request, url }) {
      if (url.pathname === graphqlPath) entries.set(request, { startedAt: performance.now(), operations: [] });
    },
    onParams({ request, params, paramsHandler, setParamsHandler }) {
      const entry = entries.get(request);
      if (!entry) return;
      if (params.operationName) entry.operationName = params.operationName;
      // Called once per operation of a batch, in the batch's order.
      const operation: Operation = { params };
      entry.operations.push(operation);
      setParamsHandler((payload) => {
        operation.params = payload.params;
        return paramsHandler(payload);
      });
    },
    onParse({ context }) {
      const { request, params } = context as { request: Request; params?: { operationName?: string | null } };
      const entry = entries.get(request);
      if (!entry) return;
      // No operationName in the request: the name of the document's only operation.
      return ({ result }) => {
        if (!result || !('kind' in result) || result.kind !== Kind.DOCUMENT) return;
        const name = getOperationAST(result, params?.operationName)?.name?.value;
        if (name === undefined) return;
        entry.operationName ??= name;
        if (params) parsedNames.set(params, name);
      };
    },
    onResultProcess({ request, result }) {
      const entry = entries.get(request);
      if (!entry || !result || Symbol.asyncIterator in result) return;
      if (Array.isArray(result)) {
        entry.batchOutcomes = result.map(outcomeOf);
        return;
      }
      Object.assign(entry, outcomeOf(result));
    },
    onResponse({ request, response, serverContext }) {
      const entry = entries.get(request);
      if (!entry) return;
      const log = ((serverContext as { log?: Logger }).log ?? logger) as Logger;
      const common = {
        method: request.method,
        status: response.status,
        durationMs: Math.round((performance.now() - entry.startedAt) * 10) / 10,
      };
      if (entry.batchOutcomes) {
        entry.batchOutcomes.forEach((outcome, index) => {
          const params = entry.operations[index]?.params;
          const operationName = params?.operationName ?? (params && parsedNames.get(params)) ?? null;
          log.info(
            { ...common, operationName, ...outcome, batchIndex: index, batchSize: entry.batchOutcomes!.length },
            'request completed',
          );
        });
        return;
      }
      log.info(
        {
          method: common.method,
          operationName: entry.operationName ?? null,
          status: common.status,
          durationMs: common.durationMs,
          outcome: entry.outcome ?? (response.ok ? 'success' : 'error'),
          errorCodes: entry.errorCodes ?? [],
        },
        'request completed',
      );
    },
  };
}
