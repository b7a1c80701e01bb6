import assert from 'node:assert/strict';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { request, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { Logger } from '@graphql-hive/gateway-runtime';
import { listen, stop, watchSupergraph } from './serving.ts';

function recordingLogger() {
  const lines: string[] = [];
  const log = new Logger({ level: 'info', writers: [{ write: (_level, _attrs, msg) => void lines.push(String(msg)) }] });
  return { log, lines };
}

/** GET / with a keep-alive agent of its own; resolves with the status and body, or the error. */
function get(port: number) {
  return new Promise<{ status?: number; body?: string; error?: Error }>((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/', headers: { connection: 'keep-alive' } }, (res: IncomingMessage) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode, body }));
      res.on('error', (error) => resolve({ error }));
    });
    req.on('error', (error) => resolve({ error }));
    req.end();
  });
}

test('stop lets a request in flight finish, then the server is closed', async () => {
  const { log, lines } = recordingLogger();
  let started!: () => void;
  const running = new Promise<void>((resolve) => (started = resolve));
  const server = await listen(
    (_req, res) => {
      started();
      setTimeout(() => res.end('done'), 300);
    },
    { host: '127.0.0.1', port: 0, log },
  );
  const { port } = server.address() as AddressInfo;
  const response = get(port);
  await running;
  const began = Date.now();
  const stopped = stop(server, { graceMs: 5_000, log });
  assert.deepEqual(await response, { status: 200, body: 'done' });
  await stopped;
  assert.equal(server.listening, false);
  // Not held open by the now idle keep-alive connection (Node's keep-alive timeout is 5 s).
  assert.ok(Date.now() - began < 2_000);
  assert.ok(lines.includes('Server stopped'));
  assert.ok(!lines.some((line) => line.startsWith('Requests still running')));
});

test('stop closes the connection of a request still running after the grace period', async () => {
  const { log, lines } = recordingLogger();
  let started!: () => void;
  const running = new Promise<void>((resolve) => (started = resolve));
  const server = await listen(() => started(), { host: '127.0.0.1', port: 0, log });
  const { port } = server.address() as AddressInfo;
  const response = get(port);
  await running;
  const began = Date.now();
  await stop(server, { graceMs: 200, log });
  assert.ok(Date.now() - began >= 190);
  assert.ok((await response).error);
  assert.ok(lines.includes('Requests still running after 200 ms: closing their connections'));
});

test('listen rejects when the port is taken', async () => {
  const { log } = recordingLogger();
  const first = await listen((_req, res) => res.end(), { host: '127.0.0.1', port: 0, log });
  const { port } = first.address() as AddressInfo;
  await assert.rejects(listen((_req, res) => res.end(), { host: '127.0.0.1', port, log }), { code: 'EADDRINUSE' });
  await stop(first, { graceMs: 100, log });
});

test('the supergraph watch reloads once per write or replacement of the file, and for nothing else', async (t) => {
  const { log } = recordingLogger();
  const directory = mkdtempSync(join(tmpdir(), 'supergraph-watch-'));
  t.after(() => rmSync(directory, { recursive: true, force: true }));
  const path = join(directory, 'supergraph.graphql');
  writeFileSync(path, 'type Query { a: Int }');
  let reloads = 0;
  const stopWatching = watchSupergraph(path, () => reloads++, log);
  await sleep(100);

  // Written in place, twice in a row: one reload.
  writeFileSync(path, 'type Query { b: Int }');
  writeFileSync(path, 'type Query { c: Int }');
  await sleep(400);
  assert.equal(reloads, 1);

  // Replaced by a rename, as an atomic write does.
  writeFileSync(join(directory, 'next.tmp'), 'type Query { d: Int }');
  renameSync(join(directory, 'next.tmp'), path);
  await sleep(400);
  assert.equal(reloads, 2);

  // Another file in the same folder.
  writeFileSync(join(directory, 'api.graphql'), 'type Query { e: Int }');
  await sleep(400);
  assert.equal(reloads, 2);

  stopWatching();
  writeFileSync(path, 'type Query { f: Int }');
  await sleep(400);
  assert.equal(reloads, 2);
});
