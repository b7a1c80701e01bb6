/**
 * What every client test shares: the router's address (from test_clients.py), the committed
 * operations, a fetch that records what each client library sent, and fresh accounts.
 *
 * Each test file drives one client library with its own defaults; assertion messages start with
 * the client's name and say what it expected, so a failure reads "Apollo Client (APQ): ...".
 */
import { createSign, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const operationsDir = join(here, '..', '..', 'schema', 'operations');
const manifestPath = join(here, '..', '..', 'schema', 'persisted-query-manifest.json');

if (!process.env.ROUTER_URL) throw new Error('ROUTER_URL is not set: run these through tests/clients/test_clients.py');

/** The router's GraphQL endpoint. */
export const GRAPHQL_URL = `${process.env.ROUTER_URL}/graphql`;
export const PASSWORD = 'correct horse battery staple';

/** Every committed operation in one document; a request picks one by name, as the web client does. */
export const OPERATIONS = readdirSync(operationsDir)
  .filter((file) => file.endsWith('.graphql'))
  .sort()
  .map((file) => readFileSync(join(operationsDir, file), 'utf8'))
  .join('\n');

/** The trusted-documents manifest `make schema` writes (Apollo's format). */
export const MANIFEST = JSON.parse(readFileSync(manifestPath, 'utf8'));

/** One committed operation with its fragments, as a standalone document (the manifest's body). */
export function operationText(name) {
  const entry = MANIFEST.operations.find((operation) => operation.name === name);
  if (!entry) throw new Error(`no operation ${name} in schema/persisted-query-manifest.json`);
  return entry.body;
}

/**
 * A fetch that records every request a client library makes (method, URL, headers, parsed
 * body) and the HTTP status it got, so a test can check what went over the wire.
 */
export function recordingFetch() {
  const requests = [];
  const fetchAndRecord = async (input, init = {}) => {
    const request = new Request(input, init);
    const text = request.method === 'GET' ? '' : await request.clone().text();
    const entry = {
      method: request.method,
      url: new URL(request.url),
      headers: request.headers,
      body: text ? JSON.parse(text) : undefined,
      status: undefined,
    };
    requests.push(entry);
    const response = await fetch(request);
    entry.status = response.status;
    return response;
  };
  return { fetch: fetchAndRecord, requests };
}

/** One plain JSON POST, for setting up a test (not the client under test). */
export async function postOperation(operationName, variables, accessToken) {
  const headers = { 'content-type': 'application/json' };
  if (accessToken) headers.authorization = `Bearer ${accessToken}`;
  const response = await fetch(GRAPHQL_URL, {
    method: 'POST',
    headers,
    body: JSON.stringify({ query: OPERATIONS, operationName, variables }),
  });
  const body = await response.json();
  if (body.errors) throw new Error(`${operationName} failed: ${JSON.stringify(body.errors)}`);
  return body.data;
}

/** A new account: { access, refresh, user: { id, email } }. */
export async function signup() {
  const email = `client-${randomUUID().slice(0, 12)}@example.com`;
  const data = await postOperation('Signup', { input: { email, password: PASSWORD } });
  return data.signup;
}

/**
 * The same access token, signed with the stack's key (STACK_JWT_PRIVATE_KEY), but expired a
 * minute ago: what a client holds when it comes back after the token's lifetime.
 */
export function expiredCopy(accessToken) {
  const [header, payload] = accessToken.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  const lifetime = claims.exp - claims.iat;
  const now = Math.floor(Date.now() / 1000);
  const expired = { ...claims, iat: now - lifetime - 60, exp: now - 60, jti: randomUUID() };
  const signingInput = `${header}.${Buffer.from(JSON.stringify(expired)).toString('base64url')}`;
  const signature = createSign('RSA-SHA256').update(signingInput).sign(process.env.STACK_JWT_PRIVATE_KEY);
  return `${signingInput}.${signature.toString('base64url')}`;
}

/** The `extensions.code` of each GraphQL error in `errors`. */
export const codesOf = (errors) => (errors ?? []).map((error) => error.extensions?.code);
