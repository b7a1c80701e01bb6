/**
 * GraphQL Code Generator: typed documents for the committed client operations.
 *
 * Reads the public API (schema/api.graphql, the contract the router serves) and
 * the operations in schema/operations/; writes src/generated/ (not committed).
 * A schema change that removes or retypes a field this client uses makes
 * codegen or `tsc` fail, so `npm run typecheck` catches it.
 */
import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  schema: '../../schema/api.graphql',
  documents: '../../schema/operations/*.graphql',
  generates: {
    'src/generated/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        // Documents as plain strings: fetch() sends them as they are, with no GraphQL
        // parser in the bundle.
        documentMode: 'string',
        useTypeImports: true,
        enumsAsTypes: true,
        strictScalars: true,
        scalars: { Date: 'string', DateTime: 'string' },
      },
    },
  },
};

export default config;
