/**
 * No schema hints in production: removes graphql-js's "Did you mean ...?" suggestions from every
 * error message the router returns, whatever produced it (validation, variable coercion such as
 * `{"titl": ...}` for an input type, a subgraph's own error). A suggestion names fields, arguments,
 * types or enum values of the schema, which is what disabled introspection keeps to itself.
 */
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { rewritingErrors, withExtensions } from '../errors.ts';

// graphql-js: ` Did you mean "title"?`, ` Did you mean "a", "b", or "c"?`, ` Did you mean the enum
// value "X"?`, ` Did you mean to use an inline fragment on "X"?`. Names never contain "?".
const SUGGESTION = /\s*Did you mean [^?]*\?/g;

export function withoutSuggestions(message: string): string {
  return message.replace(SUGGESTION, '');
}

export function useHiddenSuggestions(): GatewayPlugin {
  const hideInError = (error: any) => {
    if (typeof error?.message !== 'string' || !error.message.includes('Did you mean')) return error;
    const message = withoutSuggestions(error.message);
    // A GraphQLError keeps its locations, path and extensions; a plain error object (from a
    // subgraph's response) keeps its other fields.
    if (error.name === 'GraphQLError') return Object.assign(withExtensions(error, error.extensions), { message });
    return { ...error, message };
  };
  return { onResultProcess: rewritingErrors(hideInError) };
}
