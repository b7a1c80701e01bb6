/** Operation types the schema does not define (subscription, today) refused as invalid. */
import type { GatewayPlugin } from '@graphql-hive/gateway';
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
          { nodes: node },
        ),
      );
    },
  };
}

/**
 * Refuses an operation whose type the schema lacks during validation, before any planning: HTTP
 * 400 with extensions.code GRAPHQL_VALIDATION_FAILED, like any other invalid operation.
 */
export function useKnownOperationTypes(): GatewayPlugin {
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(KnownOperationTypesRule);
    },
  };
}
