/** The pagination cap and the cost limit: what an operation may fetch, priced before execution. */
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import {
  getArgumentValues,
  getNamedType,
  getOperationAST,
  getVariableValues,
  GraphQLError,
  isCompositeType,
  isInterfaceType,
  isObjectType,
  Kind,
  OperationTypeNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

// What a mutation costs on top of its selection: it writes.
const MUTATION_COST = 10;

/**
 * The estimated cost of `operation` (see useCostLimit); throws a BAD_USER_INPUT GraphQLError
 * for a `first` outside 1..maxPageSize.
 */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
  maxPageSize: number,
): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const fragmentCosts = new Map<string, number>();

  const pageSize = (field: GraphQLField<unknown, unknown>, node: FieldNode, parentName: string) => {
    if (!field.args.some((argument) => argument.name === 'first')) return 1;
    const first = getArgumentValues(field, node, variables).first as number | null | undefined;
    if (first != null && (!Number.isInteger(first) || first < 1 || first > maxPageSize)) {
      throw new GraphQLError(
        `"first" must be between 1 and ${maxPageSize} (${parentName}.${field.name} got ${first})`,
        { nodes: [node], extensions: { code: 'BAD_USER_INPUT' } },
      );
    }
    // No size (an explicit null, or no default) leaves it to the subgraph: assume the largest page.
    return first ?? maxPageSize;
  };

  const selectionCost = (
    parentType: GraphQLNamedType | undefined,
    selectionSet: SelectionSetNode,
  ): number => {
    let cost = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        // Meta fields (__typename) and fields of unions (only __typename) cost nothing.
        if (!isObjectType(parentType) && !isInterfaceType(parentType)) continue;
        const field = parentType.getFields()[selection.name.value];
        if (!field) continue;
        const items = pageSize(field, selection, parentType.name);
        const fieldType = getNamedType(field.type);
        if (!isCompositeType(fieldType)) continue;
        cost += 1 + (selection.selectionSet ? items * selectionCost(fieldType, selection.selectionSet) : 0);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const typeName = selection.typeCondition?.name.value;
        cost += selectionCost(typeName ? schema.getType(typeName) : parentType, selection.selectionSet);
      } else {
        const name = selection.name.value;
        if (!fragmentCosts.has(name)) {
          const fragment = fragments.get(name);
          const fragmentType = fragment && (schema.getType(fragment.typeCondition.name.value) ?? undefined);
          fragmentCosts.set(name, fragment ? selectionCost(fragmentType, fragment.selectionSet) : 0);
        }
        cost += fragmentCosts.get(name)!;
      }
    }
    return cost;
  };

  const rootType = schema.getRootType(operation.operation) ?? undefined;
  const baseCost = operation.operation === OperationTypeNode.MUTATION ? MUTATION_COST : 0;
  return baseCost + selectionCost(rootType, operation.selectionSet);
}

/**
 * Pagination cap and cost limit for the operation about to execute, both
 * computed at the router from the API schema and the request's variables, so
 * an operation over either is refused before any subgraph is called.
 *
 * Pagination: every `first` argument must be 1..maxPageSize.
 *
 * Cost (the router's estimate of what an operation fetches):
 * - each field returning an object (or a list of objects) costs 1, scalars 0;
 * - a field with a `first` argument is a list of that many items: what is
 *   selected below it costs `first` times over (the schema default when the
 *   operation leaves `first` out); nested lists multiply again;
 * - lists without `first` (a connection's `edges`) are sized by the connection
 *   above them, so they add no factor of their own;
 * - a mutation adds 10.
 * Each fragment is priced once per operation however often it is spread, so a
 * document spreading fragments into fragments costs linear time to price.
 * Hive's demandControl is not used: it prices each subgraph request as it is
 * sent (the first subgraphs are called before a deep operation is refused) and
 * reads list sizes from @listSize, which the subgraph schemas do not declare.
 */
export function useCostLimit({ maxCost, maxPageSize }: { maxCost: number; maxPageSize: number }): GatewayPlugin {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const operation = getOperationAST(args.document, args.operationName);
      if (!operation) return; // execution reports it
      const variables = getVariableValues(
        args.schema,
        operation.variableDefinitions ?? [],
        (args.variableValues ?? {}) as Record<string, unknown>,
      );
      if (variables.errors) return; // execution reports invalid variables
      try {
        const cost = operationCost(args.schema, args.document, operation, variables.coerced, maxPageSize);
        if (cost > maxCost) {
          throw new GraphQLError(`Query cost limit of ${maxCost} exceeded: estimated cost ${cost}`, {
            extensions: { code: 'COST_ESTIMATED_TOO_EXPENSIVE', cost: { estimated: cost, max: maxCost } },
          });
        }
      } catch (error) {
        if (!(error instanceof GraphQLError)) throw error;
        setResultAndStopExecution({ errors: [error] });
      }
    },
  };
}
