import assert from 'node:assert/strict';
import { test } from 'node:test';
import { prometheusOptions } from './metrics.ts';

test('no metric label takes a value from the client (each value would be a series kept for good)', () => {
  assert.deepEqual(prometheusOptions.labels, { operationName: false, url: false, path: false });
});

test('requests, operations and subgraph calls are measured', () => {
  const enabled = Object.entries(prometheusOptions.metrics)
    .filter(([, on]) => on)
    .map(([name]) => name);
  for (const name of [
    'graphql_yoga_http_duration',
    'graphql_envelop_request_duration',
    'graphql_envelop_error_result',
    'graphql_gateway_subgraph_execute_duration',
    'graphql_gateway_subgraph_execute_errors',
  ]) {
    assert.ok(enabled.includes(name), name);
  }
  assert.equal(prometheusOptions.endpoint, '/metrics');
});
