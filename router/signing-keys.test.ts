import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { SigningKeyStore, type SigningKeyStoreOptions } from './signing-keys.ts';

const COOLDOWN_MS = 30_000;

/** Retries `check` for up to two seconds (the machine may be busy), then fails with its error. */
async function eventually(check: () => void) {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return check();
    } catch (error) {
      if (attempt >= 100) throw error;
      await sleep(20);
    }
  }
}

function rsaKey(kid: string) {
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    kid,
    jwk: { ...publicKey.export({ format: 'jwk' }), kid, use: 'sig', alg: 'RS256' },
    pem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}
const first = rsaKey('first');
const second = rsaKey('second');

/** A JWKS endpoint the test controls: its keys, whether it is up, how often it was asked. */
function fakeJwks(keys: object[]) {
  const endpoint = { keys, up: true, fetches: 0, clock: 0, warnings: [] as string[] };
  const fetch = (async (_url: string, init: RequestInit) => {
    endpoint.fetches += 1;
    await sleep(5); // a fetch takes time: concurrent callers must share it
    if (init.signal?.aborted) throw init.signal.reason;
    if (!endpoint.up) throw new TypeError('fetch failed');
    return Response.json({ keys: endpoint.keys });
  }) as typeof globalThis.fetch;
  const store = (options: Partial<SigningKeyStoreOptions> = {}) =>
    new SigningKeyStore({
      jwksUrl: 'http://users/.well-known/jwks.json',
      refreshIntervalMs: 60_000,
      unknownKeyCooldownMs: COOLDOWN_MS,
      fetchTimeoutMs: 1000,
      warn: (message) => endpoint.warnings.push(message),
      fetch,
      now: () => endpoint.clock,
      ...options,
    });
  return { endpoint, store };
}

test('a cold store fetches once for many concurrent tokens and finds their key', async () => {
  const { endpoint, store } = fakeJwks([first.jwk]);
  const keys = store();
  const lookups = await Promise.all(Array.from({ length: 20 }, () => keys.lookup('first')));
  assert.equal(endpoint.fetches, 1);
  for (const lookup of lookups) assert.deepEqual(lookup, { status: 'found', publicKeyPem: first.pem });
  assert.equal(keys.cached('first'), first.pem);
});

test('a flood of unknown kids on a cold store costs one fetch and never blocks a known key', async () => {
  const { endpoint, store } = fakeJwks([first.jwk]);
  const keys = store();
  const flood = await Promise.all(Array.from({ length: 50 }, (_, index) => keys.lookup(`forged-${index}`)));
  for (const lookup of flood) assert.deepEqual(lookup, { status: 'unknown' });
  assert.equal(endpoint.fetches, 1);
  // More forged kids later, within the cooldown: refused at once, no fetch.
  for (let index = 0; index < 50; index += 1) assert.deepEqual(await keys.lookup(`later-${index}`), { status: 'unknown' });
  assert.equal(endpoint.fetches, 1);
  assert.deepEqual(await keys.lookup('first'), { status: 'found', publicKeyPem: first.pem });
  assert.equal(endpoint.fetches, 1);
});

test('an unknown kid fetches on demand at most once per cooldown: a rotated-in key is found', async () => {
  const { endpoint, store } = fakeJwks([first.jwk]);
  const keys = store();
  await keys.refresh();
  endpoint.keys = [first.jwk, second.jwk];
  // Within the cooldown of the last fetch, even a real new key waits.
  endpoint.clock = COOLDOWN_MS - 1;
  assert.deepEqual(await keys.lookup('second'), { status: 'unknown' });
  assert.equal(endpoint.fetches, 1);
  endpoint.clock = COOLDOWN_MS;
  assert.deepEqual(await keys.lookup('second'), { status: 'found', publicKeyPem: second.pem });
  assert.equal(endpoint.fetches, 2);
  assert.deepEqual(await keys.lookup('third'), { status: 'unknown' });
  endpoint.clock += COOLDOWN_MS - 1;
  assert.deepEqual(await keys.lookup('third'), { status: 'unknown' });
  assert.equal(endpoint.fetches, 2);
  endpoint.clock += 1;
  assert.deepEqual(await keys.lookup('third'), { status: 'unknown' });
  assert.equal(endpoint.fetches, 3);
});

test('JWKS down, slow or answering garbage after the first load: the last good keys stay usable', async () => {
  const { endpoint, store } = fakeJwks([first.jwk]);
  const keys = store();
  await keys.refresh();
  endpoint.up = false;
  await assert.rejects(keys.refresh(), /fetch failed/);
  assert.match(endpoint.warnings.at(-1)!, /failed \(fetch failed\); keeping the 1 key\(s\) fetched before/);
  assert.deepEqual(await keys.lookup('first'), { status: 'found', publicKeyPem: first.pem });
  endpoint.up = true;
  endpoint.keys = 'not a list' as any;
  await assert.rejects(keys.refresh(), /the response has no "keys" list/);
  assert.deepEqual(keys.keyIds, ['first']);
});

test('a fetch slower than the timeout is abandoned', async () => {
  const { store } = fakeJwks([first.jwk]);
  const keys = store({ fetchTimeoutMs: 1 });
  await assert.rejects(keys.refresh(), { name: 'TimeoutError' });
  assert.deepEqual(keys.keyIds, []);
});

test('never loaded and the JWKS unreachable: unavailable (not "unknown")', async () => {
  const { endpoint, store } = fakeJwks([first.jwk]);
  endpoint.up = false;
  assert.deepEqual(await store().lookup('first'), { status: 'unavailable' });
  assert.match(endpoint.warnings[0], /no signing key is known yet/);
});

test('each refresh replaces the whole set: a key dropped from the JWKS is forgotten (revocation)', async () => {
  const { endpoint, store } = fakeJwks([first.jwk, second.jwk]);
  const keys = store();
  await keys.refresh();
  assert.deepEqual(keys.keyIds, ['first', 'second']);
  endpoint.keys = [second.jwk];
  await keys.refresh();
  assert.deepEqual(keys.keyIds, ['second']);
  assert.equal(keys.cached('first'), undefined);
});

test('only RSA signing keys are kept; a token without kid uses the only key', async () => {
  const { store } = fakeJwks([first.jwk, { ...second.jwk, use: 'enc' }, { kty: 'EC', kid: 'ec', crv: 'P-256', x: 'a', y: 'b' }]);
  const keys = store();
  await keys.refresh();
  assert.deepEqual(keys.keyIds, ['first']);
  assert.deepEqual(await keys.lookup(undefined), { status: 'found', publicKeyPem: first.pem });
});

test('start() loads the keys at once and refreshes them in the background, over HTTP', async (t) => {
  let served = [first.jwk];
  let requests = 0;
  const server = createServer((_request, response) => {
    requests += 1;
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ keys: served }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const keys = new SigningKeyStore({
    jwksUrl: `http://127.0.0.1:${port}/jwks.json`,
    refreshIntervalMs: 50,
    unknownKeyCooldownMs: COOLDOWN_MS,
    fetchTimeoutMs: 1000,
    warn: () => {},
  });
  t.after(() => {
    keys.stop();
    server.close();
  });
  keys.start();
  await eventually(() => assert.deepEqual(keys.keyIds, ['first']));
  served = [second.jwk];
  await eventually(() => assert.deepEqual(keys.keyIds, ['second']));
  assert.ok(requests >= 2, `${requests} requests`);
});
