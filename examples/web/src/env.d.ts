interface ImportMetaEnv {
  /** The router's GraphQL endpoint; http://127.0.0.1:4000/graphql when unset. */
  readonly VITE_GRAPHQL_URL?: string;
}
