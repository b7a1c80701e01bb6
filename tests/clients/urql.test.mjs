/**
 * urql 6 (@urql/core) against the router with its defaults: queries as GET when the URL is short
 * enough (`preferGetMethod: 'within-url-limit'`), mutations as POST, the document cache.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cacheExchange, Client, fetchExchange, gql } from '@urql/core';
import { codesOf, GRAPHQL_URL, operationText, PASSWORD, recordingFetch } from './support.mjs';

/** urql as its documentation sets it up, sending `accessToken` when there is one. */
function urqlClient(recorder, accessToken) {
  return new Client({
    url: GRAPHQL_URL,
    exchanges: [cacheExchange, fetchExchange],
    fetch: recorder.fetch,
    fetchOptions: () => (accessToken ? { headers: { authorization: `Bearer ${accessToken}` } } : {}),
  });
}

test('urql (defaults): an anonymous query runs as GET and gets a GraphQL answer', async () => {
  const recorder = recordingFetch();
  const result = await urqlClient(recorder).query(gql(operationText('Me')), {}).toPromise();
  assert.equal(result.error?.networkError, undefined, `urql: expected no network error, got ${result.error}`);
  assert.equal(result.data.me, null, 'urql: expected me: null without a token');
  assert.deepEqual(codesOf(result.error?.graphQLErrors), ['UNAUTHENTICATED'], 'urql: expected UNAUTHENTICATED for an anonymous me');
  assert.deepEqual(
    recorder.requests.map((request) => [request.method, request.status]),
    [['GET', 200]],
    'urql: expected its default GET for a query to be answered 200',
  );
});

test('urql (defaults): sign up by POST, then signed-in queries by GET', async () => {
  const email = `urql-${Date.now()}@example.com`;
  const anonymous = recordingFetch();
  const signedUp = await urqlClient(anonymous)
    .mutation(gql(operationText('Signup')), { input: { email, password: PASSWORD } })
    .toPromise();
  assert.equal(signedUp.error, undefined, `urql: expected signup to succeed, got ${signedUp.error}`);
  assert.equal(anonymous.requests[0].method, 'POST', 'urql: expected a mutation to be sent as POST');

  const recorder = recordingFetch();
  const client = urqlClient(recorder, signedUp.data.signup.access);
  const me = await client.query(gql(operationText('MeWithPosts')), { first: 5 }).toPromise();
  assert.equal(me.error, undefined, `urql: expected MeWithPosts to answer, got ${me.error}`);
  assert.equal(me.data.me.email, email);
  const posts = await client.query(gql(operationText('MyPosts')), {}).toPromise();
  assert.equal(posts.data.myPosts.totalCount, 0);
  assert.deepEqual(
    recorder.requests.map((request) => [request.method, request.status]),
    [['GET', 200], ['GET', 200]],
    'urql: expected signed-in queries sent as GET to be answered 200',
  );
});

test('urql: errors carry extensions.code in CombinedError.graphQLErrors', async () => {
  const recorder = recordingFetch();
  const result = await urqlClient(recorder).query(gql(operationText('MyPosts')), {}).toPromise();
  assert.deepEqual(codesOf(result.error?.graphQLErrors), ['UNAUTHENTICATED'], 'urql: expected UNAUTHENTICATED for myPosts without a token');
  const refused = await urqlClient(recorder)
    .mutation(gql(operationText('Login')), { input: { email: 'nobody@example.com', password: PASSWORD } })
    .toPromise();
  assert.deepEqual(codesOf(refused.error?.graphQLErrors), ['UNAUTHENTICATED'], 'urql: expected UNAUTHENTICATED for a wrong password');
});
