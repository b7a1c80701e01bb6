/**
 * Apollo Client 4 against the router, with each link's defaults: HttpLink and InMemoryCache,
 * PersistedQueryLink (APQ), BatchHttpLink, error codes, and a token refresh after a 401.
 */
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { test } from 'node:test';
import {
  ApolloClient,
  ApolloLink,
  CombinedGraphQLErrors,
  gql,
  HttpLink,
  InMemoryCache,
  ServerError,
} from '@apollo/client';
import { BatchHttpLink } from '@apollo/client/link/batch-http';
import { SetContextLink } from '@apollo/client/link/context';
import { ErrorLink } from '@apollo/client/link/error';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { Observable } from 'rxjs';
import { codesOf, expiredCopy, GRAPHQL_URL, operationText, postOperation, recordingFetch, signup } from './support.mjs';

const sha256 = (text) => createHash('sha256').update(text).digest('hex');
const document = (name) => gql(operationText(name));

/** An Apollo Client whose requests go through `links` then `terminal`, as `accessToken`'s bearer. */
function apolloClient({ terminal, accessToken, links = [] }) {
  const auth = new SetContextLink(() => (accessToken ? { headers: { authorization: `Bearer ${accessToken}` } } : {}));
  return new ApolloClient({ link: ApolloLink.from([...links, auth, terminal]), cache: new InMemoryCache() });
}

test('Apollo Client (HttpLink + InMemoryCache): one normalized User across both subgraphs', async () => {
  const account = await signup();
  await postOperation('CreatePost', { input: { title: 'Cached', description: 'once' } }, account.access);
  const recorder = recordingFetch();
  const client = apolloClient({ terminal: new HttpLink({ uri: GRAPHQL_URL, fetch: recorder.fetch }), accessToken: account.access });

  // me comes from the users subgraph, me.posts from the posts subgraph...
  const me = await client.query({ query: document('MeWithPosts') });
  assert.equal(me.data.me.posts.totalCount, 1, 'Apollo Client (HttpLink): expected MeWithPosts to list the new post');
  // ...and each post's author is resolved by the users subgraph through an _entities call.
  const posts = await client.query({ query: document('MyPosts') });
  assert.equal(posts.data.myPosts.edges[0].node.author.email, account.user.email);

  const userKey = client.cache.identify({ __typename: 'User', id: account.user.id });
  const entries = client.cache.extract();
  const user = entries[userKey];
  assert.ok(user, `Apollo Client (InMemoryCache): expected one normalized entry ${userKey}, found ${Object.keys(entries)}`);
  assert.equal(user.email, account.user.email, 'Apollo Client (InMemoryCache): expected the users subgraph field email on User');
  assert.ok(
    Object.keys(user).some((field) => field.startsWith('posts')),
    'Apollo Client (InMemoryCache): expected the posts subgraph field User.posts on the same entry',
  );
  const postKey = Object.keys(entries).find((key) => key.startsWith('Post:'));
  assert.deepEqual(entries[postKey].author, { __ref: userKey }, 'Apollo Client (InMemoryCache): expected Post.author to point at the same User entry');
  assert.equal(recorder.requests.length, 2, 'Apollo Client (HttpLink): expected one HTTP request per query');
  assert.ok(recorder.requests.every((request) => request.method === 'POST' && request.status === 200));
});

test('Apollo Client (HttpLink): errors carry the extensions.code a client branches on', async () => {
  const client = apolloClient({ terminal: new HttpLink({ uri: GRAPHQL_URL }) });
  await assert.rejects(client.query({ query: document('MyPosts') }), (error) => {
    assert.ok(CombinedGraphQLErrors.is(error), `Apollo Client: expected CombinedGraphQLErrors, got ${error}`);
    assert.deepEqual(codesOf(error.errors), ['UNAUTHENTICATED'], 'Apollo Client: expected UNAUTHENTICATED for myPosts without a token');
    return true;
  });
  const account = await signup();
  const signedIn = apolloClient({ terminal: new HttpLink({ uri: GRAPHQL_URL }), accessToken: account.access });
  await assert.rejects(signedIn.query({ query: document('MyPosts'), variables: { first: 1000 } }), (error) => {
    assert.deepEqual(codesOf(error.errors), ['BAD_USER_INPUT'], 'Apollo Client: expected BAD_USER_INPUT for first: 1000');
    return true;
  });
  await assert.rejects(signedIn.mutate({ mutation: document('DeletePost'), variables: { id: randomUUID() } }), (error) => {
    assert.deepEqual(codesOf(error.errors), ['NOT_FOUND'], 'Apollo Client: expected NOT_FOUND for deleting a post that does not exist');
    return true;
  });
});

test('Apollo Client (PersistedQueryLink): an unknown hash is resent with the document, then runs by hash', async () => {
  const account = await signup();
  const query = document('Me');
  const first = recordingFetch();
  const client = apolloClient({
    links: [new PersistedQueryLink({ sha256 })],
    terminal: new HttpLink({ uri: GRAPHQL_URL, fetch: first.fetch }),
    accessToken: account.access,
  });
  const result = await client.query({ query });
  assert.equal(result.data.me.email, account.user.email, 'Apollo Client (APQ): expected Me to answer after the link resent the document');
  const [byHash, withDocument] = first.requests;
  assert.equal(first.requests.length, 2, 'Apollo Client (APQ): expected the hash alone, then the hash with the document');
  assert.equal(byHash.body.query, undefined);
  assert.equal(byHash.body.extensions.persistedQuery.version, 1);
  assert.equal(typeof withDocument.body.query, 'string', 'Apollo Client (APQ): expected the link to resend with the document after PERSISTED_QUERY_NOT_FOUND');

  // Another client (a new page load): the router knows the hash now, one request without the document.
  const second = recordingFetch();
  const later = apolloClient({
    links: [new PersistedQueryLink({ sha256 })],
    terminal: new HttpLink({ uri: GRAPHQL_URL, fetch: second.fetch }),
    accessToken: account.access,
  });
  const again = await later.query({ query });
  assert.equal(again.data.me.email, account.user.email);
  assert.equal(second.requests.length, 1, 'Apollo Client (APQ): expected a known hash to run in one request');
  assert.equal(second.requests[0].body.query, undefined, 'Apollo Client (APQ): expected the known hash to be sent without the document');
});

test('Apollo Client (BatchHttpLink): two operations in one request, each with its own result', async () => {
  const account = await signup();
  const recorder = recordingFetch();
  const client = apolloClient({ terminal: new BatchHttpLink({ uri: GRAPHQL_URL, fetch: recorder.fetch }), accessToken: account.access });
  const [me, posts] = await Promise.all([
    client.query({ query: document('Me') }),
    client.query({ query: document('MyPosts') }),
  ]);
  assert.equal(me.data.me.email, account.user.email, 'Apollo Client (BatchHttpLink): expected Me in the first result');
  assert.equal(posts.data.myPosts.totalCount, 0, 'Apollo Client (BatchHttpLink): expected MyPosts in the second result');
  assert.equal(recorder.requests.length, 1, 'Apollo Client (BatchHttpLink): expected both operations in one HTTP request');
  assert.equal(recorder.requests[0].body.length, 2);
});

test('Apollo Client (ErrorLink): a 401 for an expired token is refreshed once and retried', async () => {
  const account = await signup();
  let session = { access: expiredCopy(account.access), refresh: account.refresh };
  const refreshed = [];
  const unauthenticated = (error) =>
    (ServerError.is(error) && error.statusCode === 401) ||
    (CombinedGraphQLErrors.is(error) && codesOf(error.errors).includes('UNAUTHENTICATED'));
  const refreshOnce = new ErrorLink(({ error, operation, forward }) => {
    if (!unauthenticated(error) || operation.getContext().retried) return;
    return new Observable((observer) => {
      postOperation('RefreshToken', { refresh: session.refresh })
        .then(({ refreshToken }) => {
          session = refreshToken;
          refreshed.push(refreshToken.access);
          operation.setContext({ retried: true, headers: { authorization: `Bearer ${session.access}` } });
          forward(operation).subscribe(observer);
        })
        .catch((refreshError) => observer.error(refreshError));
    });
  });
  const recorder = recordingFetch();
  const auth = new SetContextLink((context) => ({
    headers: { ...context.headers, authorization: context.headers?.authorization ?? `Bearer ${session.access}` },
  }));
  const client = new ApolloClient({
    link: ApolloLink.from([refreshOnce, auth, new HttpLink({ uri: GRAPHQL_URL, fetch: recorder.fetch })]),
    cache: new InMemoryCache(),
  });
  const result = await client.query({ query: document('Me') });
  assert.equal(result.data.me.email, account.user.email, 'Apollo Client (ErrorLink): expected Me to answer after the refresh');
  assert.deepEqual(
    recorder.requests.map((request) => request.status),
    [401, 200],
    'Apollo Client (ErrorLink): expected the router to answer 401 for the expired token, then 200 for the retry',
  );
  assert.equal(refreshed.length, 1, 'Apollo Client (ErrorLink): expected exactly one refresh');
});
