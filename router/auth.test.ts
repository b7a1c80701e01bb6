import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import type { GraphQLError } from 'graphql';
import { bearerTokenFromHeader, jwtOptions, signingKeyProvider } from './auth.ts';
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

test("a kid the JWKS does not hold gets a key nobody can sign for (401, not 500)", async (t) => {
  const publicKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'known', use: 'sig', alg: 'RS256' };
  const jwks = createServer((_request, response) => {
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
  t.after(() => jwks.close());
  const { port } = jwks.address() as AddressInfo;
  const provider = signingKeyProvider(readSettings({ JWT_JWKS_URL: `http://127.0.0.1:${port}/jwks.json` }).jwt);
  const known = await provider('known');
  assert.equal(known.replace(/\s/g, ''), publicKey.export({ type: 'spki', format: 'pem' }).toString().replace(/\s/g, ''));
  const unknown = await provider('unknown');
  assert.match(unknown, /^-----BEGIN PUBLIC KEY-----/);
  assert.notEqual(unknown, known);
});

test('the JWT plugin: anonymous requests pass, invalid tokens are refused, nothing is forwarded', () => {
  const options = jwtOptions(readSettings({ JWT_LEEWAY_SECONDS: '5', JWT_ISSUER: 'issuer', JWT_AUDIENCE: 'audience' }).jwt);
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
