import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildSchema } from 'graphql';
import { createYoga } from 'graphql-yoga';
import { useNoStreamingResponses } from './no-streaming-responses.ts';

const yoga = createYoga({
  schema: buildSchema('type Query { me: String }'),
  plugins: [useNoStreamingResponses({ graphqlPath: '/graphql' })],
  logging: false,
});
const query = (accept: string) =>
  yoga.fetch('http://router/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept },
    body: JSON.stringify({ query: '{ me }' }),
  });

for (const accept of ['text/event-stream', 'multipart/mixed', 'text/event-stream; q=1']) {
  test(`Accept: ${accept} alone is refused with 406`, async () => {
    const response = await query(accept);
    assert.equal(response.status, 406);
    const body = await response.json();
    assert.equal(body.errors[0].extensions.code, 'STREAMING_NOT_SUPPORTED');
  });
}

test("urql's default Accept (JSON first, streams after) gets JSON", async () => {
  const response = await query(
    'application/graphql-response+json, application/graphql+json, application/json, text/event-stream, multipart/mixed',
  );
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /json/);
});

test('a stream type listed before JSON still gets JSON', async () => {
  const response = await query('text/event-stream, application/json');
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /json/);
});
