import assert from 'node:assert/strict';
import { dirname, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { PAGE_SIZE, readSettings } from './settings.ts';

describe('readSettings', () => {
  test('defaults: a production router on loopback, the local subgraphs and their JWKS', () => {
    const settings = readSettings({}, '/srv');
    assert.equal(settings.host, '127.0.0.1');
    assert.equal(settings.port, 4000);
    assert.equal(settings.development, false);
    assert.equal(settings.introspection, false);
    assert.equal(settings.exposeQueryPlan, false);
    assert.equal(settings.logLevel, 'info');
    assert.deepEqual(settings.subgraphUrls, {}, 'the URLs baked into the supergraph apply');
    assert.deepEqual(settings.limits, {
      maxDepth: 7,
      maxTokens: 1000,
      maxAliases: 10,
      maxDirectives: 10,
      maxRequestBodyBytes: 100 * 1024,
      maxCost: 1000,
      maxPageSize: PAGE_SIZE.maximum,
      subgraphTimeoutMs: 10_000,
      maxBatchOperations: 10,
    });
    assert.equal(settings.persistedDocuments.mode, 'log');
    assert.equal(settings.persistedDocuments.apqStoreCharacters, 4 * 1024 * 1024);
    assert.equal(settings.jwt.algorithm, 'RS256');
    assert.equal(settings.jwt.jwksUrl, 'http://127.0.0.1:4001/.well-known/jwks.json');
    assert.equal(settings.jwt.publicKey, undefined);
    assert.equal(settings.jwt.jwksRefreshSeconds, 60);
    assert.equal(settings.routerSecret, undefined);
    assert.deepEqual(settings.trustedProxies, []);
    assert.deepEqual(settings.corsOrigins, []);
  });

  test('development allows introspection unless ROUTER_INTROSPECTION says otherwise', () => {
    assert.equal(readSettings({ ROUTER_DEVELOPMENT: 'true' }).introspection, true);
    assert.equal(readSettings({ ROUTER_DEVELOPMENT: 'TRUE', ROUTER_INTROSPECTION: 'false' }).introspection, false);
    assert.equal(readSettings({ ROUTER_INTROSPECTION: 'true' }).introspection, true);
  });

  test('values are trimmed, lists drop empty items, blank means the default', () => {
    const settings = readSettings({
      ROUTER_MAX_COST: ' 50 ',
      ROUTER_LOG_LEVEL: 'DEBUG',
      CORS_ALLOWED_ORIGINS: ' https://a.example , ,https://b.example',
      ROUTER_TRUSTED_PROXIES: '10.0.0.1,::ffff:10.0.0.2',
      ROUTER_MAX_DEPTH: '   ',
    });
    assert.equal(settings.limits.maxCost, 50);
    assert.equal(settings.limits.maxDepth, 7);
    assert.equal(settings.logLevel, 'debug');
    assert.deepEqual(settings.corsOrigins, ['https://a.example', 'https://b.example']);
    assert.deepEqual(settings.trustedProxies, ['10.0.0.1', '::ffff:10.0.0.2']);
  });

  test('SUPERGRAPH_PATH is resolved against the working directory', () => {
    assert.equal(readSettings({ SUPERGRAPH_PATH: 'schema/s.graphql' }, '/srv').supergraphPath, '/srv/schema/s.graphql');
    assert.equal(readSettings({ SUPERGRAPH_PATH: '/etc/s.graphql' }, '/srv').supergraphPath, '/etc/s.graphql');
  });

  test("trusted documents: off in development, and the repository's manifest by default", () => {
    const settings = readSettings({ ROUTER_DEVELOPMENT: 'true' });
    assert.equal(settings.persistedDocuments.mode, 'off');
    assert.deepEqual(settings.persistedDocuments.manifestPaths, [
      resolve(dirname(fileURLToPath(import.meta.url)), '../schema/persisted-query-manifest.json'),
    ]);
  });

  test('ROUTER_PERSISTED_DOCUMENT_MANIFESTS lists manifests, resolved against the working directory', () => {
    const settings = readSettings(
      { ROUTER_TRUSTED_DOCUMENTS: 'only-trusted', ROUTER_PERSISTED_DOCUMENT_MANIFESTS: 'web.json, /etc/ios.json' },
      '/srv',
    );
    assert.equal(settings.persistedDocuments.mode, 'only-trusted');
    assert.deepEqual(settings.persistedDocuments.manifestPaths, ['/srv/web.json', '/etc/ios.json']);
  });

  test('JWT_PUBLIC_KEY may be one line with \\n escapes, as in .env', () => {
    const settings = readSettings({ JWT_PUBLIC_KEY: '-----BEGIN PUBLIC KEY-----\\nAAA\\n-----END PUBLIC KEY-----' });
    assert.equal(settings.jwt.publicKey, '-----BEGIN PUBLIC KEY-----\nAAA\n-----END PUBLIC KEY-----');
  });

  test('HS256 takes the shared secret', () => {
    const settings = readSettings({ JWT_ALGORITHM: 'hs256', JWT_SECRET_KEY: 'shared' });
    assert.equal(settings.jwt.algorithm, 'HS256');
    assert.equal(settings.jwt.secretKey, 'shared');
  });

  const invalid: [Record<string, string>, RegExp][] = [
    [{ ROUTER_PORT: '70000' }, /^ROUTER_PORT must be a TCP port number/],
    [{ ROUTER_PORT: 'http' }, /^ROUTER_PORT/],
    [{ ROUTER_DEVELOPMENT: 'yes' }, /^ROUTER_DEVELOPMENT must be true or false, got "yes"/],
    [{ ROUTER_INTROSPECTION: '1' }, /^ROUTER_INTROSPECTION must be true or false/],
    [{ ROUTER_LOG_LEVEL: 'verbose' }, /^ROUTER_LOG_LEVEL must be one of trace, debug, info, warn, error/],
    [{ ROUTER_MAX_DEPTH: '0' }, /^ROUTER_MAX_DEPTH must be a whole number > 0, got "0"/],
    [{ ROUTER_MAX_TOKENS: '1.5' }, /^ROUTER_MAX_TOKENS must be a whole number > 0/],
    [{ ROUTER_MAX_ALIASES: '-1' }, /^ROUTER_MAX_ALIASES/],
    [{ ROUTER_MAX_DIRECTIVES: 'ten' }, /^ROUTER_MAX_DIRECTIVES/],
    [{ ROUTER_MAX_REQUEST_BODY_BYTES: '1e' }, /^ROUTER_MAX_REQUEST_BODY_BYTES/],
    [{ ROUTER_MAX_COST: '0' }, /^ROUTER_MAX_COST/],
    [{ ROUTER_SUBGRAPH_TIMEOUT_MS: '-5' }, /^ROUTER_SUBGRAPH_TIMEOUT_MS/],
    [{ ROUTER_MAX_BATCH_OPERATIONS: '0' }, /^ROUTER_MAX_BATCH_OPERATIONS/],
    [{ ROUTER_APQ_STORE_CHARACTERS: 'lots' }, /^ROUTER_APQ_STORE_CHARACTERS/],
    [{ ROUTER_TRUSTED_DOCUMENTS: 'strict' }, /^ROUTER_TRUSTED_DOCUMENTS must be one of off, log, only-trusted, got "strict"/],
    [{ JWT_ALGORITHM: 'ES256' }, /^JWT_ALGORITHM must be RS256 or HS256, got "ES256"/],
    [{ JWT_ALGORITHM: 'HS256' }, /^JWT_ALGORITHM=HS256 requires JWT_SECRET_KEY/],
    [{ JWT_LEEWAY_SECONDS: '-1' }, /^JWT_LEEWAY_SECONDS must be a number >= 0/],
    [{ JWT_JWKS_REFRESH_SECONDS: '0' }, /^JWT_JWKS_REFRESH_SECONDS must be a whole number > 0/],
    [{ CORS_ALLOWED_ORIGINS: 'https://a.example,null' }, /^CORS_ALLOWED_ORIGINS must not contain "null"/],
  ];
  for (const [env, message] of invalid) {
    test(`refuses ${JSON.stringify(env)} with the variable's name`, () => {
      assert.throws(() => readSettings(env), { message });
    });
  }
});

describe('subgraph URL overrides', () => {
  test('every <NAME>_SUBGRAPH_URL overrides the subgraph composed as <name>, empty ones do not', () => {
    const settings = readSettings({
      USERS_SUBGRAPH_URL: 'http://users:8000/graphql',
      REVIEWS_SUBGRAPH_URL: ' http://reviews:8000/graphql ',
      POSTS_SUBGRAPH_URL: '',
      SUBGRAPH_URL: 'http://nameless/graphql',
    });
    assert.deepEqual(settings.subgraphUrls, {
      users: 'http://users:8000/graphql',
      reviews: 'http://reviews:8000/graphql',
    });
  });
});

describe('page sizes', () => {
  test('come from page-size.json, which `make schema` generates from the subgraphs\' definition', () => {
    assert.deepEqual(PAGE_SIZE, { default: 20, maximum: 100 });
    assert.equal(readSettings({}).limits.maxPageSize, PAGE_SIZE.maximum);
  });
});
