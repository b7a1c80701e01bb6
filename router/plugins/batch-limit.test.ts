import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildSchema } from 'graphql';
import { createYoga } from 'graphql-yoga';
import { useBatchLimit } from './batch-limit.ts';

const LIMIT = 3;
const yoga = createYoga({
  schema: buildSchema('type Query { me: String }'),
  batching: { limit: LIMIT },
  plugins: [useBatchLimit(LIMIT)],
  logging: false,
});
const batch = (size: number) =>
  yoga.fetch('http://router/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(Array.from({ length: size }, () => ({ query: '{ me }' }))),
  });

test('a batch up to the limit runs every operation', async () => {
  const response = await batch(LIMIT);
  assert.equal(response.status, 200);
  assert.deepEqual(await response.json(), Array.from({ length: LIMIT }, () => ({ data: { me: null } })));
});

test('one operation more is refused with one 400 naming the limit', async () => {
  const response = await batch(LIMIT + 1);
  assert.equal(response.status, 400);
  const body = await response.json();
  assert.equal(body.errors.length, 1);
  assert.equal(body.errors[0].extensions.code, 'BATCH_LIMIT_EXCEEDED');
  assert.equal(body.errors[0].message, `Batch limit exceeded: at most ${LIMIT} operations per request, this one has ${LIMIT + 1}`);
});

test('a single operation is not a batch', async () => {
  const response = await yoga.fetch('http://router/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ me }' }),
  });
  assert.deepEqual(await response.json(), { data: { me: null } });
});
