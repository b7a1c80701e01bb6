import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GraphQLError } from 'graphql';
import { useAccessTokenPolicy } from './access-token-policy.ts';

const plugin = useAccessTokenPolicy() as any;
const withToken = (payload: object) => ({ context: { jwt: { payload } } });
// The claims of an access token the users subgraph issues.
const ACCESS_CLAIMS = { exp: 1_900_000_000, iat: 1_800_000_000, iss: 'users-subgraph', aud: 'federated-api', token_type: 'access', id: 'b5c1' };

test('an access token, or none, goes on', () => {
  assert.doesNotThrow(() => plugin.onContextBuilding(withToken(ACCESS_CLAIMS)));
  assert.doesNotThrow(() => plugin.onContextBuilding({ context: {} }));
});

test('any other token (a refresh token) is refused with UNAUTHENTICATED', () => {
  assert.throws(
    () => plugin.onContextBuilding(withToken({ ...ACCESS_CLAIMS, token_type: 'refresh' })),
    (error: GraphQLError) => error.message === 'Only access tokens are accepted' && error.extensions.code === 'UNAUTHENTICATED',
  );
});

test('a token without a claim the subgraphs require (exp: it would never expire) is refused', () => {
  for (const claim of ['exp', 'iat', 'iss', 'aud', 'token_type', 'id']) {
    const { [claim as keyof typeof ACCESS_CLAIMS]: _left_out, ...claims } = ACCESS_CLAIMS;
    assert.throws(
      () => plugin.onContextBuilding(withToken(claims)),
      (error: GraphQLError) =>
        error.message === `Access token lacks required claims: ${claim}` && error.extensions.code === 'UNAUTHENTICATED',
    );
  }
});

test('the check also runs as soon as the request is parsed', () => {
  const hooks = plugin.onRequestParse({ serverContext: { jwt: { payload: { ...ACCESS_CLAIMS, token_type: 'refresh' } } } });
  assert.throws(() => hooks.onRequestParseDone(), /Only access tokens are accepted/);
});

test('errors with HTTP 401 and no code get UNAUTHENTICATED; others are left alone', () => {
  const unauthenticated = new GraphQLError('Unauthenticated', { extensions: { http: { status: 401 } } });
  const forbidden = new GraphQLError('Forbidden', { extensions: { code: 'FORBIDDEN' } });
  let final: any;
  plugin.onResultProcess({ result: { errors: [unauthenticated, forbidden] }, setResult: (result: unknown) => (final = result) });
  assert.deepEqual(final.errors[0].extensions, { http: { status: 401 }, code: 'UNAUTHENTICATED' });
  assert.equal(final.errors[1], forbidden);
});
