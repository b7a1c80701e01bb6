/** GraphQL errors the router makes or rewrites, shared by its modules and plugins. */
import { GraphQLError, type ValidationContext } from 'graphql';

export function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
  });
}

/** The same GraphQL error (message, location, path, cause) with other extensions. */
export function withExtensions(error: any, extensions: Record<string, unknown>): GraphQLError {
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions,
  });
}

/**
 * A result processor for `onResultProcess` that rewrites each error of every result, however the
 * result comes: one result, a batch (an array of results) or a stream (an async iterable).
 * `rewrite` gets the error and the result it belongs to.
 */
export function rewritingErrors(rewrite: (error: any, result: any) => unknown) {
  const inResult = (result: any) =>
    result && Array.isArray(result.errors)
      ? { ...result, errors: result.errors.map((error: unknown) => rewrite(error, result)) }
      : result;
  async function* inStream(results: AsyncIterable<any>) {
    for await (const result of results) yield inResult(result);
  }
  return ({ result, setResult }: { result: any; setResult: (result: any) => void }) => {
    if (Array.isArray(result)) setResult(result.map(inResult));
    else if (result && typeof result[Symbol.asyncIterator] === 'function') setResult(inStream(result));
    else setResult(inResult(result));
  };
}

/**
 * graphql-armor options: a rejection stops validation at once (as armor does by default) but as
 * an ordinary validation error, with extensions.code GRAPHQL_VALIDATION_FAILED like every other
 * invalid operation, and without armor's misleading "Syntax Error:" prefix.
 */
export const asValidationError = {
  propagateOnRejection: false,
  onReject: [
    (_context: ValidationContext | null, error: GraphQLError) => {
      throw new GraphQLError(error.message.replace(/^Syntax Error: /, ''), {
        extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
      });
    },
  ],
};
