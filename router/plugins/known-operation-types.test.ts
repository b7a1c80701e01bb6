import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildSchema, parse, specifiedRules, validate } from 'graphql';
import { createYoga } from 'graphql-yoga';
import { KnownOperationTypesRule, useKnownOperationTypes } from './known-operation-types.ts';

const schema = buildSchema('type Query { me: String } type Mutation { logout: Boolean }');

test('a subscription is invalid when the schema has no Subscription type', () => {
  const errors = validate(schema, parse('subscription Live { me }'), [...specifiedRules, KnownOperationTypesRule]);
  assert.deepEqual(
    errors.map((error) => error.message),
    ['The schema has no Subscription type: subscription operations are not supported.'],
  );
});

test('queries and mutations the schema defines stay valid', () => {
  const document = parse('query Me { me } mutation Logout { logout }');
  assert.deepEqual(validate(schema, document, [KnownOperationTypesRule]), []);
});

test('the plugin refuses a subscription with 400 GRAPHQL_VALIDATION_FAILED, whatever the client accepts', async () => {
  const yoga = createYoga({
    schema: buildSchema('type Query { me: String }'),
    plugins: [useKnownOperationTypes()],
    logging: false,
  });
  for (const accept of ['application/graphql-response+json', 'application/json']) {
    const response = await yoga.fetch('http://router/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept },
      body: JSON.stringify({ query: 'subscription { me }' }),
    });
    assert.equal(response.status, 400, accept);
    const body = await response.json();
    assert.equal(body.errors[0].extensions.code, 'GRAPHQL_VALIDATION_FAILED');
    assert.match(body.errors[0].message, /no Subscription type/);
  }
});
