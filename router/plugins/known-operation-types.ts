/** Operation types the schema does not define (subscription, today) refused as invalid. */
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { GraphQLError, type ASTVisitor, type ValidationContext } from 'graphql';

const ROOT_TYPE_NAMES = { query: 'Query', mutation: 'Mutation', subscription: 'Subscription' } as const;

/**
 * A validation rule: the schema must have a root type for each operation's type. graphql-js 16
 * leaves this to execution, and the gateway plans before that: a `subscription { ... }` would
 * fail in the planner with HTTP 500 ("Schema type 'Subscription' not found") and an error log.
 */
export function KnownOperationTypesRule(context: ValidationContext): ASTVisitor {
  return {
    OperationDefinition(node) {
      if (context.getSchema().getRootType(node.operation)) return;
      context.reportError(
        new GraphQLError(
          `The schema has no ${ROOT_TYPE_NAMES[node.operation]} type: ${node.operation} operations are not supported.`,
          // 400 whatever the client accepts: by the GraphQL-over-HTTP spec (`spec: true`) an
          // application/json client would get 200, and this operation can never run.
          { nodes: node, extensions: { code: 'GRAPHQL_VALIDATION_FAILED', http: { status: 400, spec: false } } },
        ),
      );
    },
  };
}

/**
 * Refuses an operation whose type the schema lacks during validation, before any planning: HTTP
 * 400 with extensions.code GRAPHQL_VALIDATION_FAILED.
 */
export function useKnownOperationTypes(): GatewayPlugin {
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(KnownOperationTypesRule);
    },
  };
}
