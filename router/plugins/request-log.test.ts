import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'graphql';
import { useRequestLog } from './request-log.ts';

type Line = { attributes: Record<string, unknown>; message: string };

function recorder() {
  const lines: Line[] = [];
  const log = { info: (attributes: Record<string, unknown>, message: string) => lines.push({ attributes, message }) };
  return { lines, log: log as any };
}

function run(path: string, steps: (plugin: any, request: Request) => void, status = 200) {
  const fallback = recorder();
  const perRequest = recorder();
  const plugin = useRequestLog({ graphqlPath: '/graphql', logger: fallback.log }) as any;
  const request = new Request(`http://router${path}`, { method: 'POST' });
  plugin.onRequest({ request, url: new URL(request.url) });
  steps(plugin, request);
  plugin.onResponse({ request, response: new Response(null, { status }), serverContext: { log: perRequest.log } });
  return { fallback: fallback.lines, lines: perRequest.lines };
}

test('one "request completed" line per GraphQL request, on the request\'s logger', () => {
  const { lines, fallback } = run('/graphql', (plugin, request) => {
    plugin.onParams({ request, params: { operationName: 'MyPosts', query: '{ secret }' }, setParamsHandler() {} });
    plugin.onResultProcess({
      request,
      result: {
        data: { myPosts: null },
        errors: [{ extensions: { code: 'UNAUTHENTICATED' } }, { extensions: { code: 'UNAUTHENTICATED' } }, {}],
      },
    });
  });
  assert.deepEqual(fallback, []);
  assert.equal(lines.length, 1);
  const [{ attributes, message }] = lines;
  assert.equal(message, 'request completed');
  assert.equal(typeof attributes.durationMs, 'number');
  assert.deepEqual(
    { ...attributes, durationMs: 0 },
    { method: 'POST', operationName: 'MyPosts', status: 200, durationMs: 0, outcome: 'partial', errorCodes: ['UNAUTHENTICATED'] },
  );
  assert.ok(!JSON.stringify(attributes).includes('secret'), 'the query text is never logged');
});

test("without operationName, the document's only operation names the request", () => {
  const { lines } = run('/graphql', (plugin, request) => {
    const afterParse = plugin.onParse({ context: { request } });
    afterParse({ result: parse('query Me { me { email } }') });
    plugin.onResultProcess({ request, result: { data: { me: null } } });
  });
  assert.equal(lines[0].attributes.operationName, 'Me');
  assert.equal(lines[0].attributes.outcome, 'success');
});

test('a request refused before execution is an error with the HTTP status', () => {
  const { lines } = run('/graphql', () => {}, 413);
  assert.equal(lines[0].attributes.operationName, null);
  assert.equal(lines[0].attributes.outcome, 'error');
  assert.equal(lines[0].attributes.status, 413);
});

test('other paths (health, metrics) are not logged', () => {
  const { lines, fallback } = run('/readiness', () => {});
  assert.deepEqual([...lines, ...fallback], []);
});

test('without a request logger, the router logger writes the line', () => {
  const fallback = recorder();
  const plugin = useRequestLog({ graphqlPath: '/graphql', logger: fallback.log }) as any;
  const request = new Request('http://router/graphql');
  plugin.onRequest({ request, url: new URL(request.url) });
  plugin.onResponse({ request, response: new Response(null), serverContext: {} });
  assert.equal(fallback.lines.length, 1);
});

test('a batch gets one line per operation, in order, named and judged as if sent alone', () => {
  const { lines } = run('/graphql', (plugin, request) => {
    const handlers: ((payload: any) => unknown)[] = [];
    const batch = [{ operationName: 'Me', query: '{ secret }' }, { query: 'query Deep { secret }' }];
    for (const params of batch) {
      plugin.onParams({
        request,
        params,
        paramsHandler: () => ({}),
        setParamsHandler: (handler: (payload: any) => unknown) => handlers.push(handler),
      });
    }
    // The second operation runs with the params APQ (or another plugin) replaced.
    const finalParams = { ...batch[1] };
    handlers.forEach((handler, index) => handler({ params: index === 1 ? finalParams : batch[0] }));
    plugin.onParse({ context: { request, params: finalParams } })({ result: parse('query Deep { secret }') });
    plugin.onResultProcess({
      request,
      result: [{ data: { me: null } }, { errors: [{ message: 'too deep', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }] }],
    });
  });
  assert.deepEqual(
    lines.map(({ attributes }) => [attributes.operationName, attributes.outcome, attributes.errorCodes, attributes.batchIndex, attributes.batchSize]),
    [
      ['Me', 'success', [], 0, 2],
      ['Deep', 'error', ['GRAPHQL_VALIDATION_FAILED'], 1, 2],
    ],
  );
  assert.ok(lines.every(({ message, attributes }) => message === 'request completed' && attributes.status === 200));
});
