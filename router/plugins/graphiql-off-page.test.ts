import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildSchema } from 'graphql';
import { createYoga } from 'graphql-yoga';
import { GRAPHIQL_OFF_PAGE, GRAPHIQL_VARIABLE, useGraphiQLOffPage } from './graphiql-off-page.ts';

const schema = buildSchema('type Query { me: String }');
// As the gateway is configured where GraphiQL is off.
const yoga = createYoga({
  schema,
  graphiql: false,
  plugins: [useGraphiQLOffPage({ graphqlPath: '/graphql' })],
  logging: false,
});
// What Chromium and Firefox send when the address is typed in.
const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

const get = (path: string, headers: Record<string, string>) =>
  yoga.fetch(`http://router${path}`, { method: 'GET', headers });

test('a browser asking for GraphiQL gets a 404 page naming the variable that turns it on', async () => {
  for (const path of ['/graphql', '/graphql/']) {
    const response = await get(path, { accept: BROWSER_ACCEPT });
    assert.equal(response.status, 404, path);
    const page = await response.text();
    assert.equal(page, GRAPHIQL_OFF_PAGE);
    assert.match(page, /GraphiQL is off/);
    assert.ok(page.includes(`<code>${GRAPHIQL_VARIABLE}=true</code>`));
  }
});

test('the page is plain HTML: exact content type, no sniffing, no script allowed or present', async () => {
  const response = await get('/graphql', { accept: 'text/html' });
  assert.equal(response.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
  assert.match(response.headers.get('content-security-policy') ?? '', /^default-src 'none'/);
  assert.equal(response.headers.get('cache-control'), 'no-store');
  assert.equal(response.headers.get('vary'), 'Accept');
  const page = (await response.text()).toLowerCase();
  for (const active of ['<script', '<style', '<link', '<iframe', '<form', 'javascript:', 'src=', 'href=']) {
    assert.ok(!page.includes(active), active);
  }
  assert.doesNotMatch(page, /\son\w+\s*=/, 'an event handler attribute');
});

test('the variable it names is the one settings.ts reads for introspection and GraphiQL', async () => {
  const { readSettings } = await import('../settings.ts');
  const on = readSettings({ [GRAPHIQL_VARIABLE]: 'true' });
  const off = readSettings({ [GRAPHIQL_VARIABLE]: 'false', ROUTER_DEVELOPMENT: 'true' });
  assert.equal(on.introspection, true);
  assert.equal(off.introspection, false);
});

for (const accept of [undefined, 'application/json', 'application/graphql-response+json', '*/*']) {
  test(`an API client (Accept: ${accept ?? 'none'}) gets GraphQL JSON as before`, async () => {
    const headers: Record<string, string> = accept ? { accept } : {};
    const response = await get(`/graphql?query=${encodeURIComponent('{ __typename }')}`, headers);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /json/);
    assert.deepEqual(await response.json(), { data: { __typename: 'Query' } });
  });
}

test('a POST that accepts HTML is an API request, not a page request', async () => {
  const response = await yoga.fetch('http://router/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/html, application/json' },
    body: JSON.stringify({ query: '{ __typename }' }),
  });
  assert.equal(response.status, 200);
  assert.deepEqual(await response.json(), { data: { __typename: 'Query' } });
});

test('other paths are left alone', async () => {
  const response = await get('/healthcheck-not', { accept: 'text/html' });
  assert.notEqual(await response.text(), GRAPHIQL_OFF_PAGE);
});

test('without the plugin, a browser gets no page: an empty 406, or JSON saying a query is missing', async () => {
  const bare = createYoga({ schema, graphiql: false, logging: false });
  const htmlOnly = await bare.fetch('http://router/graphql', { headers: { accept: 'text/html' } });
  assert.equal(htmlOnly.status, 406);
  assert.equal(await htmlOnly.text(), '');
  const browser = await bare.fetch('http://router/graphql', { headers: { accept: BROWSER_ACCEPT } });
  assert.match(browser.headers.get('content-type') ?? '', /json/);
  assert.match(await browser.text(), /Must provide query string/);
});
