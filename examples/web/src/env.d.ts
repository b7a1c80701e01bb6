interface ImportMetaEnv {
  /** The router's GraphQL endpoint; http://127.0.0.1:4000/graphql when unset. */
  readonly VITE_GRAPHQL_URL?: string;
}

/** Operation name -> id in schema/persisted-query-manifest.json; empty outside production builds. */
declare const __PERSISTED_DOCUMENT_IDS__: Record<string, string>;
