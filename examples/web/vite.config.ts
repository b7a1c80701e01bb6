/**
 * Vite: `npm run dev` serves the app on http://127.0.0.1:5173, the origin `make up`'s .env
 * lists in CORS_ALLOWED_ORIGINS; the router is another origin (VITE_GRAPHQL_URL).
 */
import { defineConfig } from 'vite';

export default defineConfig({
  server: { host: '127.0.0.1', port: 5173, strictPort: true },
  preview: { host: '127.0.0.1', port: 4173, strictPort: true },
  build: { target: 'es2022' },
});
