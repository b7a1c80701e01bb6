/** Start-up failures of the entry point: one line naming the problem, exit status 1, nothing served. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

const routerDir = dirname(fileURLToPath(import.meta.url));

function start(env: Record<string, string>) {
  const { LOG_LEVEL: _level, DEBUG: _debug, ...inherited } = process.env;
  return spawnSync(process.execPath, [join(routerDir, 'server.ts')], {
    cwd: routerDir,
    env: { ...inherited, ROUTER_HOST: '127.0.0.1', ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
}

test('an invalid setting stops start-up with one line naming it', () => {
  const result = start({ ROUTER_PORT: 'x' });
  assert.equal(result.status, 1);
  assert.equal(result.stderr, 'router: ROUTER_PORT must be a TCP port number, got "x"\n');
  assert.equal(result.stdout, '');
});

test('a supergraph that cannot be read stops start-up before listening', () => {
  const result = start({ ROUTER_PORT: '1', SUPERGRAPH_PATH: join(routerDir, 'no-such-supergraph.graphql') });
  assert.equal(result.status, 1);
  assert.match(result.stderr, /^router: cannot load the supergraph .*no-such-supergraph\.graphql: ENOENT/m);
  assert.doesNotMatch(result.stdout, /Listening on/);
});
