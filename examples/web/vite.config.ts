/**
 * Vite: `npm run dev` serves the app on http://127.0.0.1:5173, the origin `make up`'s .env
 * lists in CORS_ALLOWED_ORIGINS; the router is another origin (VITE_GRAPHQL_URL).
 *
 * A production build (`vite build`) sends each operation's id from the trusted-documents
 * manifest (`make schema` writes it from the same schema/operations/ this app uses) instead of
 * its text; the development server sends the text, so an edited operation runs before the
 * manifest is regenerated.
 */
import { defineConfig } from 'vite';
import manifest from '../../schema/persisted-query-manifest.json' with { type: 'json' };

const persistedDocumentIds = Object.fromEntries(
  manifest.operations.map((operation) => [operation.name, operation.id]),
);

export default defineConfig(({ command }) => ({
  define: {
    __PERSISTED_DOCUMENT_IDS__: JSON.stringify(command === 'build' ? persistedDocumentIds : {}),
  },
  server: { host: '127.0.0.1', port: 5173, strictPort: true },
  preview: { host: '127.0.0.1', port: 4173, strictPort: true },
  build: { target: 'es2022' },
}));
