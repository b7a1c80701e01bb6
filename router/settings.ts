/**
 * The router's settings: the one description of every environment variable it reads, with its
 * default and the reason for it. Read once at startup by gateway.config.ts; an invalid value stops
 * the router with an error naming the variable. `readSettings` takes the environment as an
 * argument so that tests can read any combination without touching process.env.
 *
 * ROUTER_NODE_OPTIONS is not here: it is Node's own flags (the heap caps), applied by the
 * `start` script in package.json before this file is loaded.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TRUSTED_DOCUMENTS_MODES, type TrustedDocumentsMode } from './plugins/persisted-documents.ts';

type Environment = Record<string, string | undefined>;

const here = dirname(fileURLToPath(import.meta.url));

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export type JwtAlgorithm = 'RS256' | 'HS256';

export function readSettings(env: Environment = process.env, cwd: string = process.cwd()) {
  const string = (name: string, fallback: string): string => {
    const value = env[name]?.trim();
    return value ? value : fallback;
  };
  const list = (name: string): string[] =>
    (env[name] ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean);
  const boolean = (name: string, fallback: boolean): boolean => {
    const value = string(name, String(fallback)).toLowerCase();
    if (value !== 'true' && value !== 'false') {
      throw new Error(`${name} must be true or false, got "${env[name]}"`);
    }
    return value === 'true';
  };
  const positiveInteger = (name: string, fallback: number): number => {
    const value = Number(string(name, String(fallback)));
    if (!Number.isInteger(value) || value <= 0) {
      throw new Error(`${name} must be a whole number > 0, got "${env[name]}"`);
    }
    return value;
  };

  // ------------------------------------------------------------ supergraph
  // SUPERGRAPH_PATH may be absolute or relative to the current working directory. Default: the
  // repository's schema/supergraph.graphql, or else a supergraph.graphql next to this file (the
  // image, where compose mounts it beside the config).
  const defaultSupergraphPaths = [
    resolve(here, '../schema/supergraph.graphql'),
    resolve(here, 'supergraph.graphql'),
  ];
  const supergraphPath = env.SUPERGRAPH_PATH?.trim()
    ? resolve(cwd, env.SUPERGRAPH_PATH.trim())
    : (defaultSupergraphPaths.find((path) => existsSync(path)) ?? defaultSupergraphPaths[0]);

  // The supergraph has the local URLs baked in; these override them per subgraph (keys are the
  // subgraph names used at composition time).
  const subgraphUrls = {
    users: string('USERS_SUBGRAPH_URL', 'http://127.0.0.1:4001/graphql'),
    posts: string('POSTS_SUBGRAPH_URL', 'http://127.0.0.1:4002/graphql'),
  };

  // ------------------------------------------------------- server and mode
  const host = string('ROUTER_HOST', '127.0.0.1');
  const port = Number(string('ROUTER_PORT', '4000'));
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new Error(`ROUTER_PORT must be a TCP port number, got "${env.ROUTER_PORT}"`);
  }

  // Production unless told otherwise: `make up` sets ROUTER_DEVELOPMENT=true. Development shows
  // field suggestions ("Did you mean ...?"), allows introspection (GraphiQL needs it) and writes
  // human-readable logs; production hides suggestions, refuses introspection and writes one JSON
  // object a line.
  const development = boolean('ROUTER_DEVELOPMENT', false);
  // Introspection (and with it GraphiQL) in production only when asked for.
  const introspection = boolean('ROUTER_INTROSPECTION', development);
  // Debug aid: adds the Rust planner's query plan to every response under extensions.queryPlan.
  // Anything but "true" leaves it off.
  const exposeQueryPlan = string('ROUTER_EXPOSE_QUERY_PLAN', 'false') === 'true';

  // Only ROUTER_LOG_LEVEL: `npm start` unsets LOG_LEVEL/DEBUG (meant for the Django services;
  // Hive's logger crashes on e.g. LOG_LEVEL=INFO) and HOST/PORT (the CLI would let them override
  // ROUTER_HOST/ROUTER_PORT).
  const logLevel = string('ROUTER_LOG_LEVEL', 'info').toLowerCase() as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new Error(`ROUTER_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${env.ROUTER_LOG_LEVEL}"`);
  }

  // ---------------------------------------------------------------- limits
  // What one request may ask of the router. Everything over a limit is refused with an error
  // naming the limit, before any subgraph is called.
  const limits = {
    // Deepest chain of fields, fragments flattened. The committed operations reach 5
    // (myPosts.edges.node.author.email); 7 leaves room for new screens but not for walking the
    // graph (posts -> author -> posts -> ... needs 8).
    maxDepth: positiveInteger('ROUTER_MAX_DEPTH', 7),
    // Lexical tokens in the query document: parsing is the first cost every request pays. All of
    // schema/operations in one document is ~360 tokens, GraphiQL's introspection query ~200.
    maxTokens: positiveInteger('ROUTER_MAX_TOKENS', 1000),
    // Aliases in one operation. Each alias is another run of a field, so aliases multiply work
    // and defeat per-request rate limits (100 `login`s in one request). No committed operation
    // uses one.
    maxAliases: positiveInteger('ROUTER_MAX_ALIASES', 10),
    // Directives in one operation (@include/@skip); thousands of them are a known validation DoS.
    // No committed operation uses one.
    maxDirectives: positiveInteger('ROUTER_MAX_DIRECTIVES', 10),
    // Bytes in a request body, query and variables together: 100 KiB holds a post with a long
    // description many times over. Larger bodies get HTTP 413.
    maxRequestBodyBytes: positiveInteger('ROUTER_MAX_REQUEST_BODY_BYTES', 100 * 1024),
    // Estimated cost of one operation: objects it may return, list sizes taken from `first` (see
    // plugins/cost-limit.ts). A page of 100 posts with their authors costs ~300;
    // posts(first: 100) -> author -> posts(first: 100) ~20 000.
    maxCost: positiveInteger('ROUTER_MAX_COST', 1000),
    // Largest `first` a connection accepts: the subgraphs' own contract ("`first`: 1 to 100" in
    // the schema), checked here before fan-out. Not configurable: the subgraphs enforce it too.
    maxPageSize: 100,
    // A subgraph call that has not answered after this long is abandoned; its fields come back
    // null with a GATEWAY_TIMEOUT error.
    subgraphTimeoutMs: positiveInteger('ROUTER_SUBGRAPH_TIMEOUT_MS', 10_000),
    // Operations in one batched request (a JSON array: Apollo's BatchHttpLink, graphql-request's
    // batchRequests). Each runs as if sent alone, through every limit above; 10 is Apollo's
    // default batchMax. More is refused with one 400 (plugins/batch-limit.ts).
    maxBatchOperations: positiveInteger('ROUTER_MAX_BATCH_OPERATIONS', 10),
  };

  // ------------------------------------------- persisted and trusted documents
  // See plugins/persisted-documents.ts. The manifests: the one `make schema` writes (the
  // repository's schema/, or one next to this file in the image), or every path listed.
  const defaultManifestPaths = [
    resolve(here, '../schema/persisted-query-manifest.json'),
    resolve(here, 'persisted-query-manifest.json'),
  ];
  const listedManifests = list('ROUTER_PERSISTED_DOCUMENT_MANIFESTS').map((path) => resolve(cwd, path));
  const trustedDocumentsMode = string('ROUTER_TRUSTED_DOCUMENTS', development ? 'off' : 'log') as TrustedDocumentsMode;
  if (!TRUSTED_DOCUMENTS_MODES.includes(trustedDocumentsMode)) {
    throw new Error(
      `ROUTER_TRUSTED_DOCUMENTS must be one of ${TRUSTED_DOCUMENTS_MODES.join(', ')}, got "${env.ROUTER_TRUSTED_DOCUMENTS}"`,
    );
  }
  const persistedDocuments = {
    // off: any document runs; log: any runs, those not in a manifest are logged (the production
    // default: it shows what only-trusted would refuse); only-trusted: only manifest documents.
    mode: trustedDocumentsMode,
    manifestPaths:
      listedManifests.length > 0 ? listedManifests : defaultManifestPaths.filter((path) => existsSync(path)),
    // Characters of documents APQ remembers per replica (least recently used first out): 4 Mi
    // holds a few thousand operations and bounds the memory a client registering documents
    // can take. A replica that has forgotten a hash costs the client one resend.
    apqStoreCharacters: positiveInteger('ROUTER_APQ_STORE_CHARACTERS', 4 * 1024 * 1024),
  };

  // ------------------------------------------------------------------- JWT
  // The same variables, defaults and conventions as the subgraphs, which verify tokens too.
  const algorithm = string('JWT_ALGORITHM', 'RS256').toUpperCase();
  if (algorithm !== 'RS256' && algorithm !== 'HS256') {
    throw new Error(`JWT_ALGORITHM must be RS256 or HS256, got "${algorithm}"`);
  }
  const secretKey = env.JWT_SECRET_KEY || undefined;
  if (algorithm === 'HS256' && !secretKey) throw new Error('JWT_ALGORITHM=HS256 requires JWT_SECRET_KEY');
  const leewaySeconds = Number(string('JWT_LEEWAY_SECONDS', '0'));
  if (!Number.isFinite(leewaySeconds) || leewaySeconds < 0) {
    throw new Error(`JWT_LEEWAY_SECONDS must be a number >= 0, got "${env.JWT_LEEWAY_SECONDS}"`);
  }
  const jwt = {
    algorithm: algorithm as JwtAlgorithm,
    issuer: string('JWT_ISSUER', 'users-subgraph'),
    audience: string('JWT_AUDIENCE', 'federated-api'),
    leewaySeconds,
    // HS256 only: the secret shared with the users subgraph.
    secretKey,
    // RS256: a configured public key wins (one-line PEM with `\n` escapes, as in .env), otherwise
    // the users subgraph's JWKS.
    publicKey: env.JWT_PUBLIC_KEY?.trim() ? env.JWT_PUBLIC_KEY.trim().replace(/\\n/g, '\n') : undefined,
    jwksUrl: string('JWT_JWKS_URL', 'http://127.0.0.1:4001/.well-known/jwks.json'),
  };

  return {
    supergraphPath,
    subgraphUrls,
    host,
    port,
    development,
    introspection,
    exposeQueryPlan,
    logLevel,
    limits,
    persistedDocuments,
    jwt,
    // Sent to every subgraph as x-router-secret; the subgraphs refuse calls without it.
    routerSecret: env.ROUTER_SHARED_SECRET || undefined,
    // Proxies in front of the router (a TLS terminator, a load balancer) whose X-Forwarded-For is
    // believed: without this, every client would share the proxy's address, and so its rate
    // limits. Exact addresses, comma-separated (see client-address.ts).
    trustedProxies: list('ROUTER_TRUSTED_PROXIES'),
    // Browser origins allowed to call the API cross-origin; none: no cross-origin browser access.
    corsOrigins: list('CORS_ALLOWED_ORIGINS'),
  };
}

export type Settings = ReturnType<typeof readSettings>;
export type JwtSettings = Settings['jwt'];
