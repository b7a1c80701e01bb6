/**
 * graphql-request 7 against the router, with its defaults: `request` (POST), a GraphQLClient
 * with headers, error codes on ClientError, and `batchRequests` (one HTTP request, several
 * operations).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { batchRequests, ClientError, GraphQLClient, request } from 'graphql-request';
import { codesOf, GRAPHQL_URL, operationText, PASSWORD, recordingFetch, signup } from './support.mjs';

test('graphql-request: sign up with request(), then read as the bearer with GraphQLClient', async () => {
  const email = `graphql-request-${Date.now()}@example.com`;
  const { signup: account } = await request(GRAPHQL_URL, operationText('Signup'), { input: { email, password: PASSWORD } });
  assert.equal(account.user.email, email, 'graphql-request: expected signup to return the new user');
  const client = new GraphQLClient(GRAPHQL_URL, { headers: { authorization: `Bearer ${account.access}` } });
  const { me } = await client.request(operationText('Me'));
  assert.equal(me.email, email, 'graphql-request: expected me to be the signed-up user');
});

test('graphql-request: a refused operation throws ClientError with extensions.code', async () => {
  await assert.rejects(request(GRAPHQL_URL, operationText('MyPosts')), (error) => {
    assert.ok(error instanceof ClientError, `graphql-request: expected ClientError, got ${error}`);
    assert.deepEqual(codesOf(error.response.errors), ['UNAUTHENTICATED'], 'graphql-request: expected UNAUTHENTICATED for myPosts without a token');
    return true;
  });
});

test('graphql-request: batchRequests sends both operations in one request and returns both results', async () => {
  const account = await signup();
  const recorder = recordingFetch();
  const client = new GraphQLClient(GRAPHQL_URL, { fetch: recorder.fetch });
  const results = await client.batchRequests(
    [{ document: operationText('Me') }, { document: operationText('MyPosts'), variables: { first: 5 } }],
    { authorization: `Bearer ${account.access}` },
  );
  assert.equal(results.length, 2, 'graphql-request (batchRequests): expected two results');
  assert.equal(results[0].data.me.email, account.user.email, 'graphql-request (batchRequests): expected Me first');
  assert.equal(results[1].data.myPosts.totalCount, 0, 'graphql-request (batchRequests): expected MyPosts second');
  assert.equal(recorder.requests.length, 1, 'graphql-request (batchRequests): expected one HTTP request');
});

test('graphql-request: the batchRequests function runs two anonymous sign-ups in one request', async () => {
  const emails = [1, 2].map((index) => `batch-${index}-${Date.now()}@example.com`);
  const results = await batchRequests(
    GRAPHQL_URL,
    emails.map((email) => ({ document: operationText('Signup'), variables: { input: { email, password: PASSWORD } } })),
  );
  assert.deepEqual(
    results.map((result) => result.data.signup.user.email),
    emails,
    'graphql-request (batchRequests): expected one signup result per operation, in order',
  );
});
