/**
 * Serving the gateway: Node's HTTP server in front of Hive Gateway's runtime, its graceful stop,
 * and the watch that reloads the supergraph when its file changes. This is what the gateway CLI
 * (`hive-gateway supergraph`) does for a supergraph file; the router does it itself because the
 * CLI's package loads every integration it offers (OpenTelemetry, caches, pub/sub, transports,
 * the Laboratory) into memory, ~100 MB the router never uses (docs/decisions.md).
 *
 * No WebSocket server is attached (the CLI's `disableWebsockets`): the API has no subscriptions,
 * and a socket would bypass the body limit, CORS and the request log. Server-Sent Events: see
 * plugins/no-streaming-responses.ts.
 */
import { watch } from 'node:fs/promises';
import { createServer, type RequestListener, type Server } from 'node:http';
import { basename, dirname } from 'node:path';
import type { Logger } from '@graphql-hive/gateway-runtime';

/** Listens on host:port; resolves once listening, rejects when the port cannot be taken. */
export function listen(handler: RequestListener, { host, port, log }: { host: string; port: number; log: Logger }) {
  const server = createServer(handler);
  return new Promise<Server>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      log.info(`Listening on http://${host}:${port}`);
      resolve(server);
    });
  });
}

const IDLE_SWEEP_MS = 50;

/**
 * Stops the server gracefully: no new connection is accepted, idle keep-alive connections close
 * at once, and requests in flight get up to `graceMs` to finish before their connections are
 * closed too. Resolves once the server is closed.
 */
export function stop(server: Server, { graceMs, log }: { graceMs: number; log: Logger }) {
  log.info('Stopping the server');
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // A keep-alive connection whose request finishes now stays open, idle, until its client or the
  // keep-alive timeout closes it: close such connections as they become idle.
  server.closeIdleConnections();
  const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
  const fuse = setTimeout(() => {
    log.warn(`Requests still running after ${graceMs} ms: closing their connections`);
    server.closeAllConnections();
  }, graceMs);
  return closed.then(() => {
    clearInterval(sweep);
    clearTimeout(fuse);
    log.info('Server stopped');
  });
}

// Editors and `make schema` may write a file several times in a row, or replace it: one reload.
const SETTLE_MS = 100;

/**
 * Calls `onChange` when the supergraph file is written or replaced (its directory is watched, so
 * a file swapped in by a rename counts too). Returns the function that stops watching.
 */
export function watchSupergraph(path: string, onChange: () => void, log: Logger): () => void {
  const controller = new AbortController();
  const name = basename(path);
  let settle: NodeJS.Timeout | undefined;
  (async () => {
    for await (const event of watch(dirname(path), { signal: controller.signal })) {
      if (event.filename !== name) continue;
      clearTimeout(settle);
      settle = setTimeout(() => {
        log.info({ path }, 'Supergraph changed: reloading it');
        onChange();
      }, SETTLE_MS);
    }
  })().catch((error: Error) => {
    if (error.name !== 'AbortError') log.error({ path, err: error }, 'Supergraph watch stopped');
  });
  return () => {
    clearTimeout(settle);
    controller.abort();
  };
}
