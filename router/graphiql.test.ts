import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { buildSchema, Kind, parse, validate, type OperationDefinitionNode } from 'graphql';
import { DEFAULT_DOCUMENT, graphiqlOptions } from './graphiql.ts';

const apiSchema = buildSchema(readFileSync(new URL('../schema/api.graphql', import.meta.url), 'utf8'));

test('the default document is valid against the API schema', () => {
  assert.deepEqual(validate(apiSchema, parse(DEFAULT_DOCUMENT)), []);
});

test('it starts from signup (a new user has no account) and ends with a federated query', () => {
  const operations = parse(DEFAULT_DOCUMENT).definitions as OperationDefinitionNode[];
  assert.deepEqual(
    operations.map((operation) => operation.name?.value),
    ['SignUp', 'CreatePost', 'MyPosts'],
  );
  const [signUp] = operations;
  const [field] = signUp.selectionSet.selections;
  assert.equal(signUp.operation, 'mutation');
  assert.equal(field.kind === Kind.FIELD && field.name.value, 'signup');
});

test('every line fits the query editor at a 1400 px wide window (48 characters)', () => {
  const tooLong = DEFAULT_DOCUMENT.split('\n').filter((line) => line.length > 48);
  assert.deepEqual(tooLong, []);
});

test('GraphiQL is served only where introspection is allowed', () => {
  assert.equal(graphiqlOptions({ introspection: false }), false);
  assert.deepEqual(graphiqlOptions({ introspection: true }), { title: 'Federated API', defaultQuery: DEFAULT_DOCUMENT });
});
