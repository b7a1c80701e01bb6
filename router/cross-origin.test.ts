import assert from 'node:assert/strict';
import { test } from 'node:test';
import { corsOptions, CSRF_HEADER } from './cross-origin.ts';

test('no configured origin: no cross-origin browser access', () => {
  assert.equal(corsOptions([]), false);
});

test('configured origins may send the token, the request id and the CSRF header, without cookies', () => {
  const cors = corsOptions(['https://app.example']);
  assert.ok(cors);
  assert.deepEqual(cors.origin, ['https://app.example']);
  assert.ok(cors.allowedHeaders.includes('Authorization'));
  assert.ok(cors.allowedHeaders.includes(CSRF_HEADER));
  assert.deepEqual(cors.exposedHeaders, ['x-request-id']);
  assert.equal(cors.credentials, false);
});
