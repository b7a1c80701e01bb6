/**
 * The router's entry point: `npm start`, and the image's command (`node server.ts`). Reads the
 * settings (an invalid or missing one stops start-up with a message naming it), builds Hive
 * Gateway's runtime from gateway.ts, loads the supergraph, then serves it (serving.ts).
 * SIGTERM or SIGINT stops it gracefully: the runtime's own terminate handler disposes it, the
 * server first.
 */
import { createGatewayRuntime } from '@graphql-hive/gateway-runtime';
import { gatewayConfig } from './gateway.ts';
import { createLogger } from './logging.ts';
import { listen, stop, watchSupergraph } from './serving.ts';
import { readSettings, type Settings } from './settings.ts';

function fail(message: string): never {
  process.stderr.write(`router: ${message}\n`);
  process.exit(1);
}

let settings: Settings;
try {
  settings = readSettings();
} catch (error) {
  fail((error as Error).message);
}
const logger = createLogger({ level: settings.logLevel, development: settings.development });

const runtime = createGatewayRuntime(gatewayConfig(settings, logger));
try {
  // Before listening, as the CLI does: a supergraph that cannot be read or planned stops start-up
  // instead of failing every request.
  await runtime.getSchema();
} catch (error) {
  fail(`cannot load the supergraph ${settings.supergraphPath}: ${(error as Error).message}`);
}
const stopWatching = watchSupergraph(settings.supergraphPath, () => runtime.invalidateUnifiedGraph(), logger);

const server = await listen(runtime, { host: settings.host, port: settings.port, log: logger }).catch(
  (error: Error) => fail(`cannot listen on ${settings.host}:${settings.port}: ${error.message}`),
);
// Deferred last, so disposed first: requests in flight finish (for as long as a subgraph call may
// take) before the runtime they run on is disposed.
runtime.disposableStack.defer(() => {
  stopWatching();
  return stop(server, { graceMs: settings.limits.subgraphTimeoutMs, log: logger });
});
