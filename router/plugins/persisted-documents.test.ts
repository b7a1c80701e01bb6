import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildSchema } from 'graphql';
import { createYoga } from 'graphql-yoga';
import {
  BoundedDocumentStore,
  documentHash,
  readTrustedDocuments,
  usePersistedDocuments,
  type TrustedDocumentsMode,
} from './persisted-documents.ts';

const TRUSTED = 'query Me { me }';
const OTHER = 'query Other { me }';
const schema = buildSchema('type Query { me: String }');

function router(mode: TrustedDocumentsMode, warnings: unknown[] = []) {
  const yoga = createYoga({
    schema,
    logging: false,
    plugins: [
      usePersistedDocuments({
        mode,
        trustedDocuments: new Map([[documentHash(TRUSTED), TRUSTED]]),
        apqStoreCharacters: 1000,
        log: { warn: (fields: unknown) => warnings.push(fields) } as never,
      }),
    ],
  });
  return async (body: Record<string, unknown>) => {
    const response = await yoga.fetch('http://router/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  };
}
const byHash = (document: string) => ({ extensions: { persistedQuery: { version: 1, sha256Hash: documentHash(document) } } });
const codes = (body: { errors?: { extensions?: { code?: string } }[] }) => (body.errors ?? []).map((error) => error.extensions?.code);

test('APQ: an unknown hash is PERSISTED_QUERY_NOT_FOUND, then the document is learned and runs by hash', async () => {
  const send = router('off');
  const miss = await send(byHash(OTHER));
  assert.equal(miss.status, 200);
  assert.equal(miss.body.errors[0].message, 'PersistedQueryNotFound');
  assert.deepEqual(codes(miss.body), ['PERSISTED_QUERY_NOT_FOUND']);
  assert.deepEqual((await send({ query: OTHER, ...byHash(OTHER) })).body, { data: { me: null } });
  assert.deepEqual((await send(byHash(OTHER))).body, { data: { me: null } });
});

test('APQ: a hash that is not the SHA-256 of the query is refused and not learned', async () => {
  const send = router('off');
  const mismatch = await send({ query: OTHER, extensions: { persistedQuery: { version: 1, sha256Hash: documentHash(TRUSTED + ' ') } } });
  assert.equal(mismatch.status, 400);
  assert.deepEqual(codes(mismatch.body), ['PERSISTED_QUERY_MISMATCH']);
  assert.deepEqual(codes((await send({ extensions: { persistedQuery: { version: 1, sha256Hash: documentHash(TRUSTED + ' ') } } })).body), [
    'PERSISTED_QUERY_NOT_FOUND',
  ]);
});

test('a trusted document runs by id in every mode, without being sent first', async () => {
  for (const mode of ['off', 'log', 'only-trusted'] as const) {
    assert.deepEqual((await router(mode)(byHash(TRUSTED))).body, { data: { me: null } }, mode);
  }
});

test('a document found by hash goes through validation like one sent in full', async () => {
  const send = router('off');
  const invalid = 'query Bad { nope }';
  await send({ query: invalid, ...byHash(invalid) });
  assert.deepEqual(codes((await send(byHash(invalid))).body), ['GRAPHQL_VALIDATION_FAILED']);
});

test('only-trusted: any other document is refused, sent in full or registered by APQ', async () => {
  const send = router('only-trusted');
  const plain = await send({ query: OTHER });
  assert.equal(plain.status, 400);
  assert.deepEqual(codes(plain.body), ['PERSISTED_QUERY_NOT_IN_LIST']);
  assert.deepEqual(codes((await send({ query: OTHER, ...byHash(OTHER) })).body), ['PERSISTED_QUERY_NOT_IN_LIST']);
  assert.deepEqual(codes((await send(byHash(OTHER))).body), ['PERSISTED_QUERY_NOT_FOUND']);
  assert.deepEqual((await send({ query: TRUSTED })).body, { data: { me: null } });
});

test('log: another document runs and is logged with its hash; a trusted one is not logged', async () => {
  const warnings: unknown[] = [];
  const send = router('log', warnings);
  assert.deepEqual((await send({ query: OTHER, operationName: 'Other' })).body, { data: { me: null } });
  await send({ query: TRUSTED });
  assert.deepEqual(warnings, [{ operationName: 'Other', documentHash: documentHash(OTHER) }]);
});

test('the APQ store forgets the least recently used documents past its size', () => {
  const store = new BoundedDocumentStore(10);
  store.set('a', '1234');
  store.set('b', '1234');
  store.get('a');
  store.set('c', '1234');
  assert.equal(store.get('b'), undefined);
  assert.equal(store.get('a'), '1234');
  assert.equal(store.get('c'), '1234');
  store.set('huge', '12345678901');
  assert.equal(store.get('huge'), undefined);
  assert.equal(store.size, 2);
});

test('manifests in Apollo and GraphQL Code Generator formats are read by id', () => {
  const directory = mkdtempSync(join(tmpdir(), 'manifests-'));
  const apollo = join(directory, 'apollo.json');
  const codegen = join(directory, 'codegen.json');
  writeFileSync(apollo, JSON.stringify({ format: 'apollo-persisted-query-manifest', version: 1, operations: [{ id: 'a1', name: 'Me', type: 'query', body: TRUSTED }] }));
  writeFileSync(codegen, JSON.stringify({ c1: OTHER }));
  assert.deepEqual([...readTrustedDocuments([apollo, codegen])], [['a1', TRUSTED], ['c1', OTHER]]);
  writeFileSync(codegen, JSON.stringify({ c1: 5 }));
  assert.throws(() => readTrustedDocuments([codegen]), /not a persisted documents manifest/);
});
