/**
 * Variables an operation cannot run with (a string for an `Int`, a missing required variable,
 * `null` for a non-null one, an unknown input field) are the client's mistake, and get
 * `extensions.code` BAD_USER_INPUT, as the subgraphs and Apollo Server answer them. graphql-js
 * reports them before execution without a code, each error pointing at the variable's
 * definition, which is how they are told apart from every other error.
 */
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { Kind } from 'graphql';
import { rewritingErrors, withExtensions } from '../errors.ts';

function isVariableValueError(error: any): boolean {
  const nodes: readonly { kind?: string }[] | undefined = error?.nodes;
  return (
    error?.name === 'GraphQLError' &&
    error.extensions?.code === undefined &&
    error.path === undefined &&
    nodes !== undefined &&
    nodes.length > 0 &&
    nodes.every((node) => node.kind === Kind.VARIABLE_DEFINITION)
  );
}

export function useVariableErrorCodes(): GatewayPlugin {
  const withCode = (error: any) =>
    isVariableValueError(error) ? withExtensions(error, { ...error.extensions, code: 'BAD_USER_INPUT' }) : error;
  return { onResultProcess: rewritingErrors(withCode) };
}
