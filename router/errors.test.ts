import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GraphQLError, parse, Source } from 'graphql';
import { asValidationError, unauthenticated, withExtensions } from './errors.ts';

test('unauthenticated() carries the code clients branch on and HTTP 401', () => {
  const error = unauthenticated('Only access tokens are accepted');
  assert.ok(error instanceof GraphQLError);
  assert.equal(error.message, 'Only access tokens are accepted');
  assert.deepEqual(error.extensions, { code: 'UNAUTHENTICATED', http: { status: 401 } });
});

test('withExtensions() keeps message, location, path and cause, and replaces the extensions', () => {
  const source = new Source('{ me { email } }');
  const cause = new Error('connection refused');
  const original = new GraphQLError('Failed', {
    nodes: parse(source).definitions,
    path: ['me', 'email'],
    originalError: cause,
    extensions: { code: 'DOWNSTREAM_SERVICE_ERROR', serviceName: 'users' },
  });
  const copy = withExtensions(original, { code: 'X' });
  assert.equal(copy.message, 'Failed');
  assert.deepEqual(copy.locations, [{ line: 1, column: 1 }]);
  assert.deepEqual(copy.path, ['me', 'email']);
  assert.equal(copy.originalError, cause);
  assert.deepEqual(copy.extensions, { code: 'X' });
});

test("graphql-armor rejections become plain validation errors without armor's prefix", () => {
  assert.equal(asValidationError.propagateOnRejection, false);
  const [onReject] = asValidationError.onReject;
  assert.throws(
    () => onReject(null, new GraphQLError('Syntax Error: Query depth limit of 7 exceeded, found 8.')),
    (error: GraphQLError) => {
      assert.equal(error.message, 'Query depth limit of 7 exceeded, found 8.');
      assert.deepEqual(error.extensions, { code: 'GRAPHQL_VALIDATION_FAILED' });
      return true;
    },
  );
});
