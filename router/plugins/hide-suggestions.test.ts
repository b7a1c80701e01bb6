import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GraphQLError } from 'graphql';
import { useHiddenSuggestions, withoutSuggestions } from './hide-suggestions.ts';

const plugin = useHiddenSuggestions() as any;
const processed = (result: unknown) => {
  let final: any;
  plugin.onResultProcess({ result, setResult: (value: unknown) => (final = value) });
  return final;
};

test("graphql-js's suggestions are removed, the rest of the message stays", () => {
  const cases = {
    'Field "titl" is not defined by type "CreatePostInput". Did you mean "title"?':
      'Field "titl" is not defined by type "CreatePostInput".',
    'Cannot query field "emial" on type "User". Did you mean "email", "id", or "posts"?':
      'Cannot query field "emial" on type "User".',
    'Value "DRAF" does not exist in "Status" enum. Did you mean the enum value "DRAFT"?':
      'Value "DRAF" does not exist in "Status" enum.',
    'Variable "$input" got invalid value { titl: "x" }; Field "titl" is not defined by type "CreatePostInput". Did you mean "title"?':
      'Variable "$input" got invalid value { titl: "x" }; Field "titl" is not defined by type "CreatePostInput".',
    'Syntax Error: Unexpected "}".': 'Syntax Error: Unexpected "}".',
  };
  for (const [message, expected] of Object.entries(cases)) assert.equal(withoutSuggestions(message), expected);
});

test('GraphQL errors keep their code, locations and path; plain errors their other fields', () => {
  const graphqlError = new GraphQLError('Unknown argument "frist". Did you mean "first"?', {
    extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    path: ['posts'],
  });
  const plain = { message: 'Field "titl" is not defined. Did you mean "title"?', extensions: { code: 'BAD_USER_INPUT' } };
  const untouched = new GraphQLError('Forbidden', { extensions: { code: 'FORBIDDEN' } });
  const final = processed({ data: null, errors: [graphqlError, plain, untouched] });
  assert.equal(final.errors[0].message, 'Unknown argument "frist".');
  assert.deepEqual(final.errors[0].toJSON(), {
    message: 'Unknown argument "frist".',
    path: ['posts'],
    extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
  });
  assert.deepEqual(final.errors[1], { message: 'Field "titl" is not defined.', extensions: { code: 'BAD_USER_INPUT' } });
  assert.equal(final.errors[2], untouched);
});

test('batched results and streamed results are cleaned too', async () => {
  const error = () => new GraphQLError('Unknown type "Pots". Did you mean "Post"?');
  const batched = processed([{ errors: [error()] }, { data: { ok: true } }]);
  assert.equal(batched[0].errors[0].message, 'Unknown type "Pots".');
  assert.deepEqual(batched[1], { data: { ok: true } });
  async function* stream() {
    yield { data: { a: 1 } };
    yield { errors: [error()] };
  }
  const messages = [];
  for await (const result of processed(stream())) messages.push(result.errors?.[0].message);
  assert.deepEqual(messages, [undefined, 'Unknown type "Pots".']);
});
