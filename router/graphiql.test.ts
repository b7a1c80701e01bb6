import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { buildSchema, Kind, parse, validate, type OperationDefinitionNode } from 'graphql';
import { DEFAULT_DOCUMENT, graphiqlOptions, MY_POSTS_QUERY } from './graphiql.ts';

const apiSchema = buildSchema(readFileSync(new URL('../schema/api.graphql', import.meta.url), 'utf8'));

test('the default document is valid against the API schema', () => {
  assert.deepEqual(validate(apiSchema, parse(DEFAULT_DOCUMENT)), []);
});

test('it starts from signup: a new user has no account', () => {
  const operations = parse(DEFAULT_DOCUMENT).definitions as OperationDefinitionNode[];
  assert.deepEqual(
    operations.map((operation) => operation.name?.value),
    ['SignUp'],
  );
  const [field] = operations[0].selectionSet.selections;
  assert.equal(operations[0].operation, 'mutation');
  assert.equal(field.kind === Kind.FIELD && field.name.value, 'signup');
});

test('the federated query it suggests next is valid and shown whole', () => {
  assert.deepEqual(validate(apiSchema, parse(MY_POSTS_QUERY)), []);
  for (const line of MY_POSTS_QUERY.split('\n')) assert.ok(DEFAULT_DOCUMENT.includes(`#   ${line}\n`), line);
});

test('it fits the query editor at a 1400 px wide window: 22 lines of 48 characters at most', () => {
  const lines = DEFAULT_DOCUMENT.trimEnd().split('\n');
  assert.ok(lines.length <= 22, `${lines.length} lines`);
  assert.deepEqual(
    lines.filter((line) => line.length > 48),
    [],
  );
});

test('GraphiQL is served only where introspection is allowed', () => {
  assert.equal(graphiqlOptions({ introspection: false }), false);
  assert.deepEqual(graphiqlOptions({ introspection: true }), { title: 'Federated API', defaultQuery: DEFAULT_DOCUMENT });
});
