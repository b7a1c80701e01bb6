import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { GraphQLError } from 'graphql';
import { useRequestBodyLimit } from './request-body-limit.ts';

const LIMIT = 16;
const isTooLarge = (error: GraphQLError) => {
  assert.equal(error.message, `Request body too large: the limit is ${LIMIT} bytes`);
  assert.deepEqual(error.extensions, { code: 'REQUEST_BODY_TOO_LARGE', http: { status: 413 } });
  return true;
};

function streamOf(...chunks: string[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk));
      controller.close();
    },
  });
}

/** Runs the plugin's hook on `request`; returns the body the GraphQL parser would read. */
async function parsedBody(request: Request): Promise<string | undefined> {
  const plugin = useRequestBodyLimit(LIMIT) as any;
  let parser = async (parsed: Request) => parsed.text();
  plugin.onRequestParse({
    request,
    requestParser: parser,
    setRequestParser: (replacement: typeof parser) => {
      parser = replacement;
    },
    fetchAPI: globalThis,
  });
  return parser(request);
}

test('a declared Content-Length over the limit is refused before anything is read', () => {
  const plugin = useRequestBodyLimit(LIMIT) as any;
  const request = new Request('http://router/graphql', { method: 'POST', headers: { 'content-length': '17' } });
  assert.throws(() => plugin.onRequestParse({ request, requestParser: () => undefined, setRequestParser() {} }), isTooLarge);
});

test('a body within the limit reaches the parser unchanged', async () => {
  const body = '{"query":"{a}"}';
  assert.equal(await parsedBody(new Request('http://router/graphql', { method: 'POST', body })), body);
  const chunked = new Request('http://router/graphql', { method: 'POST', body: streamOf('{"query":', '"{a}"}'), duplex: 'half' } as RequestInit);
  assert.equal(await parsedBody(chunked), body);
});

test('a body without Content-Length is read up to the limit and no further', async () => {
  const chunked = new Request('http://router/graphql', {
    method: 'POST',
    body: streamOf('0123456789', '0123456789'),
    duplex: 'half',
  } as RequestInit);
  await assert.rejects(parsedBody(chunked), isTooLarge);
});
