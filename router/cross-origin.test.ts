import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getCORSHeadersByRequestAndOptions } from '@whatwg-node/server';
import { corsOptions, CSRF_HEADER } from './cross-origin.ts';

const fromOrigin = (origin?: string) =>
  new Request('http://router/graphql', { method: 'OPTIONS', headers: origin === undefined ? {} : { origin } });

/** The CORS headers the gateway's server sends for the request, given our option. */
function corsHeaders(origins: string[], origin?: string) {
  const cors = corsOptions(origins);
  assert.ok(cors);
  const request = fromOrigin(origin);
  return getCORSHeadersByRequestAndOptions(request, cors(request));
}

test('no configured origin: no cross-origin browser access', () => {
  assert.equal(corsOptions([]), false);
});

test('configured origins may send the token, the request id and the CSRF header, without cookies', () => {
  const cors = corsOptions(['https://app.example']);
  assert.ok(cors);
  const options = cors(fromOrigin('https://app.example'));
  assert.ok(options);
  assert.deepEqual(options.origin, ['https://app.example']);
  assert.ok(options.allowedHeaders.includes('Authorization'));
  assert.ok(options.allowedHeaders.includes(CSRF_HEADER));
  assert.deepEqual(options.exposedHeaders, ['x-request-id']);
  assert.equal(options.credentials, false);
});

test('a listed origin is allowed by name, whichever of several it is', () => {
  const origins = ['https://app.example', 'https://admin.example'];
  for (const origin of origins) {
    const headers = corsHeaders(origins, origin);
    assert.equal(headers?.['Access-Control-Allow-Origin'], origin);
    assert.equal(headers?.['Vary'], 'Origin');
    assert.equal(headers?.['Access-Control-Allow-Credentials'], undefined);
  }
});

test('an unlisted origin, Origin: null or no Origin get no CORS headers, never "Allow-Origin: null"', () => {
  for (const origins of [['https://app.example'], ['https://app.example', 'https://admin.example']]) {
    for (const origin of ['https://evil.example', 'null', 'https://app.example.evil.example', undefined]) {
      assert.equal(corsHeaders(origins, origin), null, `${origins} / ${origin}`);
    }
  }
});
