import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { GraphQLError, parse, Source } from 'graphql';
import { asValidationError, rewritingErrors, unauthenticated, withExtensions } from './errors.ts';

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

describe('rewritingErrors', () => {
  const upperCase = rewritingErrors((error: any) => ({ ...error, message: error.message.toUpperCase() }));
  const run = (result: any) => {
    let processed: any;
    upperCase({ result, setResult: (next) => (processed = next) });
    return processed;
  };

  test('rewrites the errors of one result, and leaves a result without errors alone', () => {
    assert.deepEqual(run({ data: null, errors: [{ message: 'a' }] }), { data: null, errors: [{ message: 'A' }] });
    const clean = { data: { ok: true } };
    assert.equal(run(clean), clean);
  });

  test('rewrites every result of a batch', () => {
    assert.deepEqual(run([{ errors: [{ message: 'a' }] }, { data: {} }]), [{ errors: [{ message: 'A' }] }, { data: {} }]);
  });

  test('rewrites every result of a stream as it comes', async () => {
    async function* stream() {
      yield { errors: [{ message: 'a' }] };
      yield { errors: [{ message: 'b' }] };
    }
    const messages: string[] = [];
    for await (const result of run(stream())) messages.push(result.errors[0].message);
    assert.deepEqual(messages, ['A', 'B']);
  });
});
