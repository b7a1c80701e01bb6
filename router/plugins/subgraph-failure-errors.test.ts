import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GraphQLError } from 'graphql';
import { useSubgraphFailureErrors } from './subgraph-failure-errors.ts';

function subgraphTimeout(): GraphQLError {
  return new GraphQLError('Timed out', {
    path: ['myPosts'],
    extensions: {
      code: 'GATEWAY_TIMEOUT',
      serviceName: 'posts',
      http: { status: 504 },
      request: { endpoint: 'http://posts.internal/graphql', body: { variables: { secret: 1 } } },
      response: { status: 504 },
    },
  });
}

function processed(hideCallDetails: boolean, result: unknown): any {
  let final: unknown = result;
  (useSubgraphFailureErrors({ hideCallDetails }) as any).onResultProcess({
    result,
    setResult: (replacement: unknown) => {
      final = replacement;
    },
  });
  return final;
}

test("with other data, a subgraph failure costs its fields, not the response's status", () => {
  const result = processed(true, { data: { me: { email: 'a@example.com' }, myPosts: null }, errors: [subgraphTimeout()] });
  const [error] = result.errors;
  assert.ok(error instanceof GraphQLError);
  assert.deepEqual(error.extensions, { code: 'GATEWAY_TIMEOUT', serviceName: 'posts' });
  assert.deepEqual(error.path, ['myPosts']);
  assert.deepEqual(result.data.me, { email: 'a@example.com' });
});

test('without data, the failure keeps its HTTP status', () => {
  const [error] = processed(true, { data: null, errors: [subgraphTimeout()] }).errors;
  assert.deepEqual(error.extensions, { code: 'GATEWAY_TIMEOUT', serviceName: 'posts', http: { status: 504 } });
});

test("development keeps the router's call to the subgraph for debugging", () => {
  const [error] = processed(false, { data: null, errors: [subgraphTimeout()] }).errors;
  assert.equal(error.extensions.request.endpoint, 'http://posts.internal/graphql');
  assert.deepEqual(error.extensions.response, { status: 504 });
});

test('other errors and batched results', () => {
  const own = new GraphQLError('Not yours', { extensions: { code: 'FORBIDDEN' } });
  const [single, batched] = processed(true, [{ data: null, errors: [own] }, { data: null, errors: [subgraphTimeout()] }]);
  assert.equal(single.errors[0], own);
  assert.equal(batched.errors[0].extensions.request, undefined);
});
