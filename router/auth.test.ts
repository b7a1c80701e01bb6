import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test, type TestContext } from 'node:test';
import type { GraphQLError } from 'graphql';
import { bearerTokenFromHeader, bearerTokenWithKnownKey, jwksKeyStore, jwtOptions, signingKeyProvider } from './auth.ts';
import { readSettings } from './settings.ts';

const withAuthorization = (value?: string) => ({
  request: new Request('http://router/graphql', { headers: value === undefined ? {} : { authorization: value } }),
});
const jwtShaped = (header: object) =>
  `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from('{}').toString('base64url')}.c2ln`;
const isUnauthenticated = (message: string) => (error: GraphQLError) => {
  assert.equal(error.message, message);
  assert.equal(error.extensions.code, 'UNAUTHENTICATED');
  return true;
};

test('no or blank Authorization header: an anonymous request', () => {
  assert.equal(bearerTokenFromHeader(withAuthorization()), undefined);
  assert.equal(bearerTokenFromHeader(withAuthorization('   ')), undefined);
});

test('a Bearer JWT is looked up, whatever the scheme case', () => {
  const token = jwtShaped({ alg: 'RS256', typ: 'JWT' });
  assert.deepEqual(bearerTokenFromHeader(withAuthorization(`bearer ${token}`)), { prefix: 'Bearer', token });
});

test('another scheme is refused with UNAUTHENTICATED', () => {
  assert.throws(
    () => bearerTokenFromHeader(withAuthorization('Basic dXNlcjpwYXNz')),
    isUnauthenticated('Authorization header must be "Bearer <access token>"'),
  );
});

test('a token that is not a JWT with an algorithm is malformed', () => {
  for (const token of ['abc', 'a.b', jwtShaped({ typ: 'JWT' }), 'bm90IGpzb24.e30.c2ln']) {
    assert.throws(() => bearerTokenFromHeader(withAuthorization(`Bearer ${token}`)), isUnauthenticated('Malformed access token'));
  }
});

test('HS256 verifies with the shared secret, RS256 with a configured public key', async () => {
  const hs256 = readSettings({ JWT_ALGORITHM: 'HS256', JWT_SECRET_KEY: 'shared secret' }).jwt;
  assert.equal(await signingKeyProvider(hs256)(), 'shared secret');
  const pem = '-----BEGIN PUBLIC KEY-----\nAAA\n-----END PUBLIC KEY-----';
  const rs256 = readSettings({ JWT_PUBLIC_KEY: pem }).jwt;
  assert.equal(await signingKeyProvider(rs256)(), pem);
});

/** A JWKS server holding one key, `known`, and the store that reads it. */
async function jwksWithOneKey(t: TestContext) {
  const publicKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'known', use: 'sig', alg: 'RS256' };
  const jwks = createServer((_request, response) => {
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
  t.after(() => jwks.close());
  const { port } = jwks.address() as AddressInfo;
  const jwt = readSettings({ JWT_JWKS_URL: `http://127.0.0.1:${port}/jwks.json` }).jwt;
  return { jwt, store: jwksKeyStore(jwt, () => {}), publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

test('with a JWKS: a token naming a published key is looked up, and verified with that key', async (t) => {
  const { jwt, store, publicKeyPem } = await jwksWithOneKey(t);
  const token = jwtShaped({ alg: 'RS256', kid: 'known' });
  const lookup = bearerTokenWithKnownKey(store);
  assert.deepEqual(await lookup(withAuthorization(`Bearer ${token}`)), { prefix: 'Bearer', token });
  assert.equal(await signingKeyProvider(jwt, store)('known'), publicKeyPem);
  assert.equal(await lookup(withAuthorization()), undefined);
});

test('with a JWKS: a token naming an unknown key is refused with 401 before any signature check', async (t) => {
  const { jwt, store, publicKeyPem } = await jwksWithOneKey(t);
  const lookup = bearerTokenWithKnownKey(store);
  for (const header of [{ alg: 'RS256', kid: 'forged' }, { alg: 'RS256', kid: 7 }]) {
    await assert.rejects(lookup(withAuthorization(`Bearer ${jwtShaped(header)}`)), (error: GraphQLError) => {
      isUnauthenticated('Access token signed with an unknown key')(error);
      assert.deepEqual(error.extensions.http, { status: 401 });
      return true;
    });
  }
  // Should a refresh drop a key between lookup and verification, the signature check fails (401).
  const unmatchable = await signingKeyProvider(jwt, store)('dropped');
  assert.match(unmatchable!, /^-----BEGIN PUBLIC KEY-----/);
  assert.notEqual(unmatchable, publicKeyPem);
});

test('with a JWKS never loaded and unreachable: 503 SERVICE_UNAVAILABLE, not a masked 500', async () => {
  const closedPort = await new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
  const warnings: string[] = [];
  const store = jwksKeyStore(readSettings({ JWT_JWKS_URL: `http://127.0.0.1:${closedPort}/jwks.json` }).jwt, (message) =>
    warnings.push(message),
  );
  const token = jwtShaped({ alg: 'RS256', kid: 'known' });
  await assert.rejects(bearerTokenWithKnownKey(store)(withAuthorization(`Bearer ${token}`)), (error: GraphQLError) => {
    assert.equal(error.extensions.code, 'SERVICE_UNAVAILABLE');
    assert.deepEqual(error.extensions.http, { status: 503 });
    return true;
  });
  assert.equal(warnings.length, 1);
});

test('the JWT plugin: anonymous requests pass, invalid tokens are refused, nothing is forwarded', () => {
  const settings = { JWT_PUBLIC_KEY: 'PEM', JWT_LEEWAY_SECONDS: '5', JWT_ISSUER: 'issuer', JWT_AUDIENCE: 'audience' };
  const options = jwtOptions(readSettings(settings).jwt, () => {});
  assert.deepEqual(options.tokenVerification, {
    algorithms: ['RS256'],
    issuer: 'issuer',
    audience: 'audience',
    clockTolerance: 5,
  });
  assert.deepEqual(options.reject, { missingToken: false, invalidToken: true });
  assert.deepEqual(options.forward, { payload: false, token: false });
  assert.deepEqual(options.tokenLookupLocations, [bearerTokenFromHeader]);
});
