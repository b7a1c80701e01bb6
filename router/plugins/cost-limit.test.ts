import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildSchema, getOperationAST, GraphQLError, parse } from 'graphql';
import { operationCost, useCostLimit } from './cost-limit.ts';

const schema = buildSchema(`
  type Query { posts(first: Int = 10): PostConnection!  me: User  node: SearchResult }
  type Mutation { createPost(title: String!): Post! }
  type PostConnection { edges: [PostEdge!]!  totalCount: Int! }
  type PostEdge { node: Post! }
  type Post { title: String!  author: User! }
  type User { email: String!  posts(first: Int): PostConnection! }
  union SearchResult = Post | User
`);
const MAX_PAGE_SIZE = 100;

function cost(query: string, variables: Record<string, unknown> = {}): number {
  const document = parse(query);
  return operationCost(schema, document, getOperationAST(document)!, variables, MAX_PAGE_SIZE);
}

// posts: 1 + first x (edges 1 + node 1 + author 1) ; scalars are free.
const PAGE = '{ edges { node { title author { email } } } totalCount }';

describe('operationCost', () => {
  test('each object costs 1, scalars nothing, a page of `first` items costs `first` times', () => {
    assert.equal(cost(`{ me { email } }`), 1);
    assert.equal(cost(`{ posts(first: 3) ${PAGE} }`), 1 + 3 * 3);
  });

  test('`first` left out takes the schema default; an explicit null the largest page', () => {
    assert.equal(cost(`{ posts ${PAGE} }`), 1 + 10 * 3);
    assert.equal(cost(`{ posts(first: null) ${PAGE} }`), 1 + MAX_PAGE_SIZE * 3);
    assert.equal(cost(`{ me { posts ${PAGE} } }`), 1 + 1 + MAX_PAGE_SIZE * 3);
  });

  test('nested pages multiply, sizes from variables', () => {
    const query = `query ($n: Int) { posts(first: $n) { edges { node { author { posts(first: $n) ${PAGE} } } } } }`;
    // posts: 1 + 5 x (edges 1 + node 1 + author (1 + posts (1 + 5 x 3)))
    assert.equal(cost(query, { n: 5 }), 1 + 5 * (1 + 1 + 1 + (1 + 5 * 3)));
  });

  test('a mutation costs 10 more', () => {
    assert.equal(cost(`mutation { createPost(title: "x") { title author { email } } }`), 10 + 1 + 1);
  });

  test('fragments cost what their selection would, inline fragments and unions included', () => {
    const spread = cost(`{ posts(first: 2) { edges { node { ...P ...P } } } } fragment P on Post { author { email } }`);
    assert.equal(spread, 1 + 2 * (1 + 1 + 2 * 1));
    assert.equal(cost(`{ node { __typename ... on Post { author { email } } } }`), 1 + 1);
  });

  test('fragments spread into fragments are priced once each (linear, not exponential)', () => {
    const depth = 40;
    const fragments = Array.from(
      { length: depth },
      (_, level) => `fragment F${level} on User { posts(first: 1) { edges { node { author { ...F${level + 1} ...F${level + 1} } } } } }`,
    ).join('\n');
    const started = performance.now();
    const price = cost(`{ me { ...F0 } } ${fragments} fragment F${depth} on User { email }`);
    assert.ok(price > 2 ** depth, String(price));
    assert.ok(performance.now() - started < 1000);
  });

  test('`first` outside 1..maxPageSize is a BAD_USER_INPUT naming the field', () => {
    for (const first of [0, -1, 101]) {
      assert.throws(
        () => cost(`{ posts(first: ${first}) { totalCount } }`),
        (error: GraphQLError) => {
          assert.equal(error.message, `"first" must be between 1 and 100 (Query.posts got ${first})`);
          assert.equal(error.extensions.code, 'BAD_USER_INPUT');
          return true;
        },
      );
    }
  });
});

describe('useCostLimit', () => {
  function execute(query: string, variableValues: Record<string, unknown> = {}) {
    const plugin = useCostLimit({ maxCost: 50, maxPageSize: MAX_PAGE_SIZE }) as any;
    let stoppedWith: any;
    plugin.onExecute({
      args: { schema, document: parse(query), variableValues },
      setResultAndStopExecution: (result: unknown) => {
        stoppedWith = result;
      },
    });
    return stoppedWith;
  }

  test('an operation within the limit executes', () => {
    assert.equal(execute(`{ posts(first: 10) ${PAGE} }`), undefined);
  });

  test('an operation over the limit is refused with its estimate, before any subgraph call', () => {
    const result = execute(`query ($n: Int) { posts(first: $n) ${PAGE} }`, { n: 20 });
    assert.equal(result.errors.length, 1);
    const [error] = result.errors;
    assert.equal(error.message, 'Query cost limit of 50 exceeded: estimated cost 61');
    assert.deepEqual(error.extensions, { code: 'COST_ESTIMATED_TOO_EXPENSIVE', cost: { estimated: 61, max: 50 } });
  });

  test('a page size over the cap is refused', () => {
    assert.equal(execute(`{ posts(first: 1000) { totalCount } }`).errors[0].extensions.code, 'BAD_USER_INPUT');
  });

  test('invalid variables are left to execution to report', () => {
    assert.equal(execute(`query ($n: Int) { posts(first: $n) ${PAGE} }`, { n: 'many' }), undefined);
  });
});
