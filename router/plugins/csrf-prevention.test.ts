import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildSchema } from 'graphql';
import { createYoga } from 'graphql-yoga';
import { useCsrfPrevention } from './csrf-prevention.ts';

const HEADER = 'x-graphql-csrf';
const yoga = createYoga({
  schema: buildSchema('type Query { me: String } type Mutation { signup: String }'),
  plugins: [useCsrfPrevention({ requestHeader: HEADER })],
  logging: false,
});
const post = (headers: Record<string, string>, body: BodyInit) =>
  yoga.fetch('http://router/graphql', { method: 'POST', headers, body });

for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
  test(`a POST as ${contentType} without the header is refused with 403`, async () => {
    const response = await post({ 'content-type': contentType }, JSON.stringify({ query: 'mutation { signup }' }));
    assert.equal(response.status, 403);
    const body = await response.json();
    assert.equal(body.errors[0].extensions.code, 'CSRF_HEADER_REQUIRED');
    assert.match(body.errors[0].message, /needs the x-graphql-csrf header/);
  });
}

test('a POST without a content type is refused too', async () => {
  const response = await yoga.fetch('http://router/graphql', {
    method: 'POST',
    body: new Blob([JSON.stringify({ query: '{ me }' })]),
  });
  assert.equal(response.status, 403);
});

test('a simple POST with the header is let through', async () => {
  const response = await post({ 'content-type': 'text/plain', [HEADER]: '1' }, JSON.stringify({ query: '{ me }' }));
  assert.notEqual(response.status, 403);
});

test('a JSON POST needs no header: the browser preflights it', async () => {
  const response = await post({ 'content-type': 'application/json' }, JSON.stringify({ query: '{ me }' }));
  assert.equal(response.status, 200);
});

test('a GET query needs no header', async () => {
  const response = await yoga.fetch('http://router/graphql?query=%7B%20me%20%7D', {
    headers: { accept: 'application/json' },
  });
  assert.equal(response.status, 200);
  assert.deepEqual(await response.json(), { data: { me: null } });
});

test('a mutation over GET is still refused (405)', async () => {
  const response = await yoga.fetch('http://router/graphql?query=mutation%20%7B%20signup%20%7D', {
    headers: { accept: 'application/json' },
  });
  assert.equal(response.status, 405);
});
