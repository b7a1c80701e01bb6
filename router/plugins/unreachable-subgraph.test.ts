import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useUnreachableSubgraphErrors } from './unreachable-subgraph.ts';

type Fetch = (...args: any[]) => Promise<Response>;

/** The fetch the plugin installs for a call to `subgraphName`, and the warnings it logged. */
function wrappedFetch(fetchFn: Fetch, subgraphName: string | null = 'users') {
  const warnings: unknown[][] = [];
  let installed: Fetch | undefined;
  const log = { warn: (...args: unknown[]) => warnings.push(args) };
  (useUnreachableSubgraphErrors({ log: { warn: () => assert.fail('the request has a logger') } }) as any).onFetch({
    fetchFn,
    setFetchFn: (replacement: Fetch) => {
      installed = replacement;
    },
    executionRequest: subgraphName ? { subgraphName } : {},
    context: { log },
  });
  return { fetch: installed, warnings };
}

function networkError(code: string, viaCause: boolean): Error {
  // Node's http client sets `code` on the error; fetch (undici) throws a TypeError whose cause has it.
  const cause = Object.assign(new Error(`connect ${code} 10.0.0.7:8000`), { code });
  return viaCause ? new TypeError('fetch failed', { cause }) : cause;
}

const NOT_REACHED = 'The users service could not be reached; retry shortly.';
const CUT_SHORT =
  'The connection to the users service broke; a mutation may or may not have been applied: check before retrying it.';

for (const [code, viaCause, message] of [
  ['ECONNREFUSED', false, NOT_REACHED],
  ['ENOTFOUND', true, NOT_REACHED],
  ['EAI_AGAIN', false, NOT_REACHED],
  ['ECONNRESET', true, CUT_SHORT],
  ['UND_ERR_SOCKET', true, CUT_SHORT],
] as const) {
  test(`${code}: the subgraph answers a GraphQL error naming it, without its address`, async () => {
    const { fetch, warnings } = wrappedFetch(async () => {
      throw networkError(code, viaCause);
    });
    const response = await fetch!('http://users:8000/graphql', { method: 'POST', body: '{"variables":{"p":"secret"}}' });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
    const text = await response.text();
    assert.deepEqual(JSON.parse(text), {
      data: null,
      errors: [
        {
          message,
          extensions: { code: 'DOWNSTREAM_SERVICE_ERROR', serviceName: 'users' },
        },
      ],
    });
    assert.ok(!text.includes('10.0.0.7') && !text.includes('secret'));
    assert.deepEqual(warnings, [[{ subgraphName: 'users', code }, 'subgraph unreachable']]);
  });
}

test('a timeout or any other failure is left to the gateway', async () => {
  for (const failure of [new DOMException('The operation timed out.', 'TimeoutError'), new Error('boom')]) {
    const { fetch, warnings } = wrappedFetch(async () => {
      throw failure;
    });
    await assert.rejects(fetch!('http://users:8000/graphql'), failure);
    assert.deepEqual(warnings, []);
  }
});

test("a subgraph's own answer passes through untouched", async () => {
  const answer = new Response('{"data":{"me":null}}', { status: 200 });
  const { fetch } = wrappedFetch(async () => answer);
  assert.equal(await fetch!('http://users:8000/graphql'), answer);
});

test('a fetch that is not a subgraph call (no subgraph name) is not wrapped', () => {
  const { fetch } = wrappedFetch(async () => new Response(''), null);
  assert.equal(fetch, undefined);
});
