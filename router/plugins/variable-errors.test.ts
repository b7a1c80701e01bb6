import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildSchema, execute, GraphQLError, parse } from 'graphql';
import { useVariableErrorCodes } from './variable-errors.ts';

const schema = buildSchema(`
  input CreatePostInput { title: String! }
  type Query { myPosts(first: Int): Int, post(id: ID!): Int }
  type Mutation { createPost(input: CreatePostInput!): Int }
`);
const plugin = useVariableErrorCodes() as any;
const processed = (result: unknown) => {
  let final: any;
  plugin.onResultProcess({ result, setResult: (value: unknown) => (final = value) });
  return final;
};
const run = (query: string, variableValues: Record<string, unknown>) =>
  processed(execute({ schema, document: parse(query), variableValues }));

test("graphql-js's variable errors get BAD_USER_INPUT and keep their message and location", () => {
  const cases: [string, Record<string, unknown>][] = [
    ['query ($first: Int) { myPosts(first: $first) }', { first: 'ten' }],
    ['query ($first: Int) { myPosts(first: $first) }', { first: 1.5 }],
    ['query ($first: Int) { myPosts(first: $first) }', { first: 2147483648 }],
    ['query ($id: ID!) { post(id: $id) }', {}],
    ['query ($id: ID!) { post(id: $id) }', { id: null }],
    ['query ($id: ID!) { post(id: $id) }', { id: { id: 'x' } }],
    ['mutation ($input: CreatePostInput!) { createPost(input: $input) }', { input: 'a title' }],
    ['mutation ($input: CreatePostInput!) { createPost(input: $input) }', { input: { titl: 'x' } }],
    ['mutation ($input: CreatePostInput!) { createPost(input: $input) }', { input: { title: true } }],
  ];
  for (const [query, variables] of cases) {
    const result = run(query, variables);
    assert.equal(result.data, undefined, query);
    assert.ok(result.errors.length > 0);
    for (const error of result.errors) {
      assert.match(error.message, /^Variable "\$/);
      assert.deepEqual(error.extensions, { code: 'BAD_USER_INPUT' }, `${query} ${JSON.stringify(variables)}`);
      assert.deepEqual(error.locations, [{ line: 1, column: query.indexOf('$') + 1 }]);
    }
  }
});

test('other errors are left as they are', () => {
  const withCode = new GraphQLError('Forbidden', { extensions: { code: 'FORBIDDEN' } });
  const fieldError = run('query { myPosts(first: 1) }', {});
  const resolverError = new GraphQLError('boom', { path: ['myPosts'] });
  const plain = { message: 'from a subgraph' };
  const final = processed({ data: null, errors: [withCode, resolverError, plain] });
  assert.equal(final.errors[0], withCode);
  assert.equal(final.errors[1], resolverError);
  assert.equal(final.errors[2], plain);
  assert.equal(fieldError.errors, undefined);
  // Arguments written in the document are checked by validation, which has codes of its own.
  const literal = new GraphQLError('Int cannot represent non-integer value: "ten"', {
    nodes: parse('{ myPosts(first: "ten") }').definitions,
  });
  assert.equal(processed({ errors: [literal] }).errors[0], literal);
});

test('every operation of a batch is handled', () => {
  const bad = execute({ schema, document: parse('query ($first: Int) { myPosts(first: $first) }'), variableValues: { first: 'x' } });
  const final = processed([bad, { data: { myPosts: null } }]);
  assert.equal(final[0].errors[0].extensions.code, 'BAD_USER_INPUT');
  assert.deepEqual(final[1], { data: { myPosts: null } });
});
