import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GraphQLError } from 'graphql';
import { useAccessTokenPolicy } from './access-token-policy.ts';

const plugin = useAccessTokenPolicy() as any;
const withToken = (payload: object) => ({ context: { jwt: { payload } } });

test('an access token, or none, goes on', () => {
  assert.doesNotThrow(() => plugin.onContextBuilding(withToken({ token_type: 'access' })));
  assert.doesNotThrow(() => plugin.onContextBuilding({ context: {} }));
});

test('any other token (a refresh token) is refused with UNAUTHENTICATED', () => {
  for (const payload of [{ token_type: 'refresh' }, {}]) {
    assert.throws(
      () => plugin.onContextBuilding(withToken(payload)),
      (error: GraphQLError) => error.message === 'Only access tokens are accepted' && error.extensions.code === 'UNAUTHENTICATED',
    );
  }
});

test('the check also runs as soon as the request is parsed', () => {
  const hooks = plugin.onRequestParse({ serverContext: { jwt: { payload: { token_type: 'refresh' } } } });
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
