/**
 * Hive Gateway configuration for the federated API.
 *
 * Everything environment-specific comes from environment variables (see
 * router/README.md). Start it from router/ with `npm start`, i.e.
 * `hive-gateway supergraph --hive-router-runtime`; the CLI picks this file up
 * by its default name `gateway.config.ts`.
 *
 * Sections: supergraph, server and mode, limits, JWT and errors, request
 * guards (body size, pagination and cost), client address, logging, GraphiQL,
 * CORS and CSRF, and the gateway definition that wires them together.
 */
import { generateKeyPairSync } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesPlugin } from '@escape.tech/graphql-armor-max-directives';
import {
  ConsoleLogWriter,
  createInlineSigningKeyProvider,
  createRemoteJwksSigningKeyProvider,
  defineConfig,
  JSONLogWriter,
  Logger,
  type GatewayPlugin,
} from '@graphql-hive/gateway';
import { unifiedGraphHandler, useQueryPlan } from '@graphql-hive/router-runtime';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import {
  getArgumentValues,
  getNamedType,
  getOperationAST,
  getVariableValues,
  GraphQLError,
  isCompositeType,
  isInterfaceType,
  isObjectType,
  Kind,
  OperationTypeNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
} from 'graphql';

const env = process.env;
const here = dirname(fileURLToPath(import.meta.url));

function envString(name: string, fallback: string): string {
  const value = env[name]?.trim();
  return value ? value : fallback;
}

function envList(name: string): string[] {
  return (env[name] ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

function envBoolean(name: string, fallback: boolean): boolean {
  const value = envString(name, String(fallback)).toLowerCase();
  if (value !== 'true' && value !== 'false') {
    throw new Error(`${name} must be true or false, got "${env[name]}"`);
  }
  return value === 'true';
}

function envPositiveInteger(name: string, fallback: number): number {
  const value = Number(envString(name, String(fallback)));
  if (!Number.isInteger(value) || value <= 0) {
    throw new Error(`${name} must be a whole number > 0, got "${env[name]}"`);
  }
  return value;
}

// ---------------------------------------------------------------- supergraph
// SUPERGRAPH_PATH may be absolute or relative to the current working directory.
// Default: the repository's schema/supergraph.graphql, or else a
// supergraph.graphql next to this file (e.g. both mounted into a container).
const defaultSupergraphPaths = [
  resolve(here, '../schema/supergraph.graphql'),
  resolve(here, 'supergraph.graphql'),
];
const supergraphPath = env.SUPERGRAPH_PATH?.trim()
  ? resolve(process.cwd(), env.SUPERGRAPH_PATH.trim())
  : (defaultSupergraphPaths.find((path) => existsSync(path)) ?? defaultSupergraphPaths[0]);

// The supergraph has the local URLs baked in; these override them per subgraph
// (keys are the subgraph names used at composition time).
const subgraphUrls = {
  users: envString('USERS_SUBGRAPH_URL', 'http://127.0.0.1:4001/graphql'),
  posts: envString('POSTS_SUBGRAPH_URL', 'http://127.0.0.1:4002/graphql'),
};

// ---------------------------------------------------------- server and mode
const host = envString('ROUTER_HOST', '127.0.0.1');
const port = Number(envString('ROUTER_PORT', '4000'));
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  throw new Error(`ROUTER_PORT must be a TCP port number, got "${env.ROUTER_PORT}"`);
}

// Production unless told otherwise: `make up` sets ROUTER_DEVELOPMENT=true.
// Development shows field suggestions ("Did you mean ...?"), allows
// introspection (GraphiQL needs it) and writes human-readable logs; production
// hides suggestions, refuses introspection and writes one JSON object a line.
const development = envBoolean('ROUTER_DEVELOPMENT', false);
// Introspection (and with it GraphiQL) in production only when asked for.
const introspection = envBoolean('ROUTER_INTROSPECTION', development);

// Only ROUTER_LOG_LEVEL: `npm start` unsets LOG_LEVEL/DEBUG (meant for the Django
// services; Hive's logger crashes on e.g. LOG_LEVEL=INFO) and HOST/PORT (the CLI
// would let them override ROUTER_HOST/ROUTER_PORT).
const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error'] as const;
const logLevel = envString('ROUTER_LOG_LEVEL', 'info').toLowerCase() as (typeof LOG_LEVELS)[number];
if (!LOG_LEVELS.includes(logLevel)) {
  throw new Error(`ROUTER_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${env.ROUTER_LOG_LEVEL}"`);
}

// ------------------------------------------------------------------- limits
// What one request may ask of the router. Everything over a limit is refused
// with an error naming the limit, before any subgraph is called.
const limits = {
  // Deepest chain of fields, fragments flattened. The committed operations reach
  // 5 (myPosts.edges.node.author.email); 7 leaves room for new screens but not
  // for walking the graph (posts -> author -> posts -> ... needs 8).
  maxDepth: envPositiveInteger('ROUTER_MAX_DEPTH', 7),
  // Lexical tokens in the query document: parsing is the first cost every
  // request pays. All of schema/operations in one document is ~360 tokens,
  // GraphiQL's introspection query ~200.
  maxTokens: envPositiveInteger('ROUTER_MAX_TOKENS', 1000),
  // Aliases in one operation. Each alias is another run of a field, so aliases
  // multiply work and defeat per-request rate limits (100 `login`s in one
  // request). No committed operation uses one.
  maxAliases: envPositiveInteger('ROUTER_MAX_ALIASES', 10),
  // Directives in one operation (@include/@skip); thousands of them are a
  // known validation DoS. No committed operation uses one.
  maxDirectives: envPositiveInteger('ROUTER_MAX_DIRECTIVES', 10),
  // Bytes in a request body, query and variables together: 100 KiB holds a post
  // with a long description many times over. Larger bodies get HTTP 413.
  maxRequestBodyBytes: envPositiveInteger('ROUTER_MAX_REQUEST_BODY_BYTES', 100 * 1024),
  // Estimated cost of one operation: objects it may return, list sizes taken
  // from `first` (see useCostLimit). A page of 100 posts with their authors
  // costs ~300; posts(first: 100) -> author -> posts(first: 100) ~20 000.
  maxCost: envPositiveInteger('ROUTER_MAX_COST', 1000),
  // Largest `first` a connection accepts: the subgraphs' own contract
  // ("`first`: 1 to 100" in the schema), checked here before fan-out.
  maxPageSize: 100,
  // A subgraph call that has not answered after this long is abandoned; its
  // fields come back null with a GATEWAY_TIMEOUT error.
  subgraphTimeoutMs: envPositiveInteger('ROUTER_SUBGRAPH_TIMEOUT_MS', 10_000),
};

// ----------------------------------------------------------- JWT and errors
const jwtAlgorithm = envString('JWT_ALGORITHM', 'RS256').toUpperCase();
const jwtIssuer = envString('JWT_ISSUER', 'users-subgraph');
const jwtAudience = envString('JWT_AUDIENCE', 'federated-api');
const jwksUrl = envString('JWT_JWKS_URL', 'http://127.0.0.1:4001/.well-known/jwks.json');
// One-line PEM with `\n` escapes, as in .env (same convention as the subgraphs).
const jwtPublicKey = env.JWT_PUBLIC_KEY?.trim() ? env.JWT_PUBLIC_KEY.trim().replace(/\\n/g, '\n') : undefined;
const jwtLeewaySeconds = Number(envString('JWT_LEEWAY_SECONDS', '0'));
if (!Number.isFinite(jwtLeewaySeconds) || jwtLeewaySeconds < 0) {
  throw new Error(`JWT_LEEWAY_SECONDS must be a number >= 0, got "${env.JWT_LEEWAY_SECONDS}"`);
}
const routerSecret = env.ROUTER_SHARED_SECRET || undefined;

function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
  });
}

// A public key nobody holds the private half of. Returned for tokens whose
// `kid` is not in the JWKS so that signature verification fails with 401
// (the JWT plugin turns a signing-key lookup error into a 500 otherwise).
const unmatchableKey = generateKeyPairSync('rsa', { modulusLength: 2048 })
  .publicKey.export({ type: 'spki', format: 'pem' })
  .toString();

function signingKeyProvider(): (kid?: string) => Promise<string> | string {
  if (jwtAlgorithm === 'HS256') {
    const secret = env.JWT_SECRET_KEY;
    if (!secret) throw new Error('JWT_ALGORITHM=HS256 requires JWT_SECRET_KEY');
    return createInlineSigningKeyProvider(secret);
  }
  if (jwtAlgorithm !== 'RS256') {
    throw new Error(`JWT_ALGORITHM must be RS256 or HS256, got "${jwtAlgorithm}"`);
  }
  // Like the subgraphs: a configured public key wins, otherwise the JWKS.
  if (jwtPublicKey) return createInlineSigningKeyProvider(jwtPublicKey);
  // jwks-rsa client: nothing is fetched at startup; keys are fetched on the
  // first token and cached per kid (an unknown kid triggers a re-fetch, which
  // is rate limited).
  const remote = createRemoteJwksSigningKeyProvider({
    jwksUri: jwksUrl,
    cache: true,
    cacheMaxEntries: 10,
    cacheMaxAge: 10 * 60 * 1000,
    rateLimit: true,
    jwksRequestsPerMinute: 10,
    timeout: 5000,
  });
  return async (kid) => {
    try {
      return await remote(kid);
    } catch (error) {
      if ((error as Error)?.name === 'SigningKeyNotFoundError') return unmatchableKey;
      throw error; // JWKS unreachable: the request fails closed (masked 500)
    }
  };
}

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/**
 * Token lookup: no/empty Authorization header means "anonymous" (the request
 * passes through); anything else must be `Bearer <JWT>` or it is refused.
 */
function bearerTokenFromHeader({ request }: { request?: Request }) {
  const header = request?.headers.get('authorization')?.trim();
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) throw unauthenticated('Authorization header must be "Bearer <access token>"');
  const token = match[1];
  try {
    if (!JWT_SHAPE.test(token)) throw new Error('not a JWT');
    const head = JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString('utf8'));
    if (typeof head !== 'object' || head === null || typeof head.alg !== 'string') {
      throw new Error('no alg');
    }
  } catch {
    throw unauthenticated('Malformed access token');
  }
  return { prefix: 'Bearer', token };
}

/**
 * - Only access tokens are accepted (`token_type` claim must be "access"),
 *   checked right after the JWT plugin verified the token, before execution.
 * - Errors carrying HTTP 401 (e.g. the JWT plugin's "Unauthenticated" for a bad
 *   signature/expired token) get `extensions.code = "UNAUTHENTICATED"`.
 */
function useAccessTokenPolicy(): GatewayPlugin {
  const check = (jwt: any) => {
    if (jwt && jwt.payload?.token_type !== 'access') {
      throw unauthenticated('Only access tokens are accepted');
    }
  };
  // (by name, not instanceof: robust to a second copy of graphql-js)
  const withCode = (error: any) => {
    if (
      error?.name === 'GraphQLError' &&
      (error.extensions?.http as any)?.status === 401 &&
      error.extensions?.code == null
    ) {
      return withExtensions(error, { ...error.extensions, code: 'UNAUTHENTICATED' });
    }
    return error;
  };
  const fixResult = (result: any) =>
    result && Array.isArray(result.errors) ? { ...result, errors: result.errors.map(withCode) } : result;
  return {
    onRequestParse({ serverContext }) {
      return {
        onRequestParseDone() {
          check((serverContext as any)?.jwt);
        },
      };
    },
    onContextBuilding({ context }) {
      check((context as any).jwt);
    },
    onResultProcess({ result, setResult }) {
      if (Array.isArray(result)) setResult(result.map(fixResult) as any);
      else setResult(fixResult(result));
    },
  };
}

/** The same GraphQL error (message, location, path, cause) with other extensions. */
function withExtensions(error: any, extensions: Record<string, unknown>): GraphQLError {
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions,
  });
}

/**
 * Errors from a failed subgraph call (timeout, connection refused; they carry
 * extensions.serviceName):
 * - with other data in the result, the failure costs its fields, not the whole
 *   response: no HTTP status of their own (a timeout would make it a 504 that
 *   most clients discard with the data), so the response is a 200 with partial
 *   data, like a subgraph that is down;
 * - outside development they lose extensions.request/response: the router's
 *   call to the subgraph, with its internal URL and body (variables included).
 */
function useSubgraphFailureErrors({ hideCallDetails }: { hideCallDetails: boolean }): GatewayPlugin {
  const rewrite = (error: any, hasData: boolean) => {
    const extensions = error?.extensions;
    if (error?.name !== 'GraphQLError' || !extensions?.serviceName) return error;
    const { request, response, http, ...kept } = extensions;
    const keptExtensions = {
      ...kept,
      ...(hideCallDetails ? {} : { request, response }),
      ...(hasData ? {} : { http }),
    };
    return withExtensions(
      error,
      Object.fromEntries(Object.entries(keptExtensions).filter(([, value]) => value !== undefined)),
    );
  };
  const rewriteResult = (result: any) =>
    result && Array.isArray(result.errors)
      ? { ...result, errors: result.errors.map((error: unknown) => rewrite(error, result.data != null)) }
      : result;
  return {
    onResultProcess({ result, setResult }) {
      if (Array.isArray(result)) setResult(result.map(rewriteResult) as any);
      else setResult(rewriteResult(result));
    },
  };
}

// ----------------------------------------------------------- request guards
/**
 * Refuses request bodies over `maxBytes` with HTTP 413. A declared
 * Content-Length is checked before anything is read (Node's parser never
 * delivers more than it declares); a body without one (chunked) is read up to
 * the limit and no further. Yoga's own 25 MB limit is not configurable
 * through Hive Gateway, hence this plugin.
 */
function useRequestBodyLimit(maxBytes: number): GatewayPlugin {
  const tooLarge = () =>
    new GraphQLError(`Request body too large: the limit is ${maxBytes} bytes`, {
      extensions: { code: 'REQUEST_BODY_TOO_LARGE', http: { status: 413 } },
    });
  const readAtMost = async (body: ReadableStream<Uint8Array>): Promise<Uint8Array<ArrayBuffer>> => {
    const chunks: Uint8Array[] = [];
    let received = 0;
    const reader = body.getReader();
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      received += chunk.value.byteLength;
      if (received > maxBytes) {
        await reader.cancel();
        throw tooLarge();
      }
      chunks.push(chunk.value);
    }
    return new Uint8Array(Buffer.concat(chunks));
  };
  return {
    onRequestParse({ request, requestParser, setRequestParser, fetchAPI }) {
      const contentLength = request.headers.get('content-length');
      if (contentLength !== null) {
        if (Number(contentLength) > maxBytes) throw tooLarge();
        return;
      }
      if (!request.body || !requestParser) return;
      setRequestParser(async (unbounded) =>
        requestParser(
          new fetchAPI.Request(unbounded.url, {
            method: unbounded.method,
            headers: unbounded.headers,
            body: await readAtMost(unbounded.body!),
          }),
        ),
      );
    },
  };
}

/**
 * graphql-armor options: a rejection stops validation at once (as armor does
 * by default) but as an ordinary validation error, with extensions.code
 * GRAPHQL_VALIDATION_FAILED like every other invalid operation, and without
 * armor's misleading "Syntax Error:" prefix.
 */
const asValidationError = {
  propagateOnRejection: false,
  onReject: [
    (_context: ValidationContext | null, error: GraphQLError) => {
      throw new GraphQLError(error.message.replace(/^Syntax Error: /, ''), {
        extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
      });
    },
  ],
};

/**
 * Pagination cap and cost limit for the operation about to execute, both
 * computed at the router from the API schema and the request's variables, so
 * an operation over either is refused before any subgraph is called.
 *
 * Pagination: every `first` argument must be 1..maxPageSize.
 *
 * Cost (the router's estimate of what an operation fetches):
 * - each field returning an object (or a list of objects) costs 1, scalars 0;
 * - a field with a `first` argument is a list of that many items: what is
 *   selected below it costs `first` times over (the schema default when the
 *   operation leaves `first` out); nested lists multiply again;
 * - lists without `first` (a connection's `edges`) are sized by the connection
 *   above them, so they add no factor of their own;
 * - a mutation adds 10.
 * Each fragment is priced once per operation however often it is spread, so a
 * document spreading fragments into fragments costs linear time to price.
 * Hive's demandControl is not used: it prices each subgraph request as it is
 * sent (the first subgraphs are called before a deep operation is refused) and
 * reads list sizes from @listSize, which the subgraph schemas do not declare.
 */
function useCostLimit({ maxCost, maxPageSize }: { maxCost: number; maxPageSize: number }): GatewayPlugin {
  const MUTATION_COST = 10;

  function operationCost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    variables: Record<string, unknown>,
  ): number {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const definition of document.definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    }
    const fragmentCosts = new Map<string, number>();

    const pageSize = (field: GraphQLField<unknown, unknown>, node: FieldNode, parentName: string) => {
      if (!field.args.some((argument) => argument.name === 'first')) return 1;
      const first = getArgumentValues(field, node, variables).first as number | null | undefined;
      if (first != null && (!Number.isInteger(first) || first < 1 || first > maxPageSize)) {
        throw new GraphQLError(
          `"first" must be between 1 and ${maxPageSize} (${parentName}.${field.name} got ${first})`,
          { nodes: [node], extensions: { code: 'BAD_USER_INPUT' } },
        );
      }
      // No size (an explicit null, or no default) leaves it to the subgraph: assume the largest page.
      return first ?? maxPageSize;
    };

    const selectionCost = (
      parentType: GraphQLNamedType | undefined,
      selectionSet: SelectionSetNode,
    ): number => {
      let cost = 0;
      for (const selection of selectionSet.selections) {
        if (selection.kind === Kind.FIELD) {
          // Meta fields (__typename) and fields of unions (only __typename) cost nothing.
          if (!isObjectType(parentType) && !isInterfaceType(parentType)) continue;
          const field = parentType.getFields()[selection.name.value];
          if (!field) continue;
          const items = pageSize(field, selection, parentType.name);
          const fieldType = getNamedType(field.type);
          if (!isCompositeType(fieldType)) continue;
          cost += 1 + (selection.selectionSet ? items * selectionCost(fieldType, selection.selectionSet) : 0);
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          const typeName = selection.typeCondition?.name.value;
          cost += selectionCost(typeName ? schema.getType(typeName) : parentType, selection.selectionSet);
        } else {
          const name = selection.name.value;
          if (!fragmentCosts.has(name)) {
            const fragment = fragments.get(name);
            const fragmentType = fragment && (schema.getType(fragment.typeCondition.name.value) ?? undefined);
            fragmentCosts.set(name, fragment ? selectionCost(fragmentType, fragment.selectionSet) : 0);
          }
          cost += fragmentCosts.get(name)!;
        }
      }
      return cost;
    };

    const rootType = schema.getRootType(operation.operation) ?? undefined;
    const baseCost = operation.operation === OperationTypeNode.MUTATION ? MUTATION_COST : 0;
    return baseCost + selectionCost(rootType, operation.selectionSet);
  }

  return {
    onExecute({ args, setResultAndStopExecution }) {
      const operation = getOperationAST(args.document, args.operationName);
      if (!operation) return; // execution reports it
      const variables = getVariableValues(
        args.schema,
        operation.variableDefinitions ?? [],
        (args.variableValues ?? {}) as Record<string, unknown>,
      );
      if (variables.errors) return; // execution reports invalid variables
      try {
        const cost = operationCost(args.schema, args.document, operation, variables.coerced);
        if (cost > maxCost) {
          throw new GraphQLError(`Query cost limit of ${maxCost} exceeded: estimated cost ${cost}`, {
            extensions: { code: 'COST_ESTIMATED_TOO_EXPENSIVE', cost: { estimated: cost, max: maxCost } },
          });
        }
      } catch (error) {
        if (!(error instanceof GraphQLError)) throw error;
        setResultAndStopExecution({ errors: [error] });
      }
    },
  };
}

// ---------------------------------------------------------- client address
// Proxies in front of the router (a TLS terminator, a load balancer) whose
// X-Forwarded-For is believed: without this, every client would share the
// proxy's address, and so its rate limits. Exact addresses, comma-separated.
const trustedProxies = new Set(envList('ROUTER_TRUSTED_PROXIES').map(plainAddress));

/** IPv4 clients on a dual-stack socket show up as "::ffff:a.b.c.d": the plain form. */
function plainAddress(address: string): string {
  return address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
}

/**
 * The address of the client the router serves (the users subgraph rate-limits
 * by it): the router's socket peer, unless that peer is a trusted proxy. Then
 * X-Forwarded-For is read from the right, past every trusted proxy, to the
 * first address a trusted proxy vouches for; anything further left was written
 * by the client itself and is ignored.
 */
function clientAddress(request: Request, context: unknown): string | undefined {
  const peer = (context as { req?: { socket?: { remoteAddress?: string } } })?.req?.socket
    ?.remoteAddress;
  if (peer === undefined) return undefined;
  let address = plainAddress(peer);
  if (!trustedProxies.has(address)) return address;
  const forwarded = (request.headers.get('x-forwarded-for') ?? '')
    .split(',')
    .map((hop) => plainAddress(hop.trim()))
    .filter(Boolean);
  while (trustedProxies.has(address) && forwarded.length > 0) {
    address = forwarded.pop() as string;
  }
  return address;
}

// ------------------------------------------------------------------ logging
// Development: Hive's readable console lines. Production: one JSON object per
// line (level, msg, timestamp, requestId and the attributes below).
// Redacted even at debug level, where Hive logs every subgraph call with its
// headers, query, variables and result: tokens (sent, or returned by login),
// the router secret, passwords (in variables or inline in the query).
const logger = new Logger({
  level: logLevel,
  writers: [development ? new ConsoleLogWriter() : new JSONLogWriter()],
  redact: {
    paths: ['headers.authorization', 'headers["x-router-secret"]', 'body', 'query', 'variables', 'data'],
    censor: '[redacted]',
  },
});

/**
 * One "request completed" line per GraphQL request, with the operation name,
 * HTTP status, duration and outcome (success, partial or error, with the error
 * codes). The requestId comes from the request's logger; the query text,
 * variables and headers are never logged.
 */
function useRequestLog(graphqlPath: string): GatewayPlugin {
  type Entry = { startedAt: number; operationName?: string; outcome?: string; errorCodes?: string[] };
  const entries = new WeakMap<Request, Entry>();
  const codesOf = (errors: readonly any[]) => [
    ...new Set(errors.map((error) => error?.extensions?.code).filter((code) => typeof code === 'string')),
  ];
  return {
    onRequest({ request, url }) {
      if (url.pathname === graphqlPath) entries.set(request, { startedAt: performance.now() });
    },
    onParams({ request, params }) {
      const entry = entries.get(request);
      if (entry && params.operationName) entry.operationName = params.operationName;
    },
    onParse({ context }) {
      const entry = entries.get((context as { request: Request }).request);
      if (!entry || entry.operationName) return;
      // No operationName in the request: the name of the document's only operation.
      return ({ result }) => {
        if (result && 'kind' in result && result.kind === Kind.DOCUMENT) {
          entry.operationName = getOperationAST(result)?.name?.value;
        }
      };
    },
    onResultProcess({ request, result }) {
      const entry = entries.get(request);
      if (!entry || Array.isArray(result) || !result || Symbol.asyncIterator in result) return;
      const errors = (result as { errors?: readonly unknown[] }).errors ?? [];
      const hasData = (result as { data?: unknown }).data != null;
      entry.outcome = errors.length === 0 ? 'success' : hasData ? 'partial' : 'error';
      entry.errorCodes = codesOf(errors);
    },
    onResponse({ request, response, serverContext }) {
      const entry = entries.get(request);
      if (!entry) return;
      const log = ((serverContext as { log?: Logger }).log ?? logger) as Logger;
      log.info(
        {
          method: request.method,
          operationName: entry.operationName ?? null,
          status: response.status,
          durationMs: Math.round((performance.now() - entry.startedAt) * 10) / 10,
          outcome: entry.outcome ?? (response.ok ? 'success' : 'error'),
          errorCodes: entry.errorCodes ?? [],
        },
        'request completed',
      );
    },
  };
}

// ------------------------------------------------------------------ GraphiQL
const defaultQuery = `# Welcome to the federated API.
#
# myPosts comes from the posts subgraph; each
# author's email is resolved by the users subgraph.
#
# myPosts needs a signed-in user:
# 1. Run the public \`login\` mutation and copy
#    the \`access\` token it returns.
# 2. Open "Headers" (bottom pane) and paste:
#    {"Authorization": "Bearer <access token from login>"}
# 3. Run the query below.
query MyPosts {
  myPosts {
    edges {
      node {
        title
        author {
          email
        }
      }
    }
  }
}
`;

// ------------------------------------------------------------- CORS and CSRF
const corsOrigins = envList('CORS_ALLOWED_ORIGINS');

// Browsers send "simple" requests (GET, or POST as a form or text/plain)
// cross-site without asking CORS first. Such a request must carry this header,
// which no HTML form can set and which forces a CORS preflight when a script
// sets it. JSON POSTs (every normal client, GraphiQL) need nothing.
const CSRF_HEADER = 'x-graphql-csrf';

const GRAPHQL_PATH = '/graphql';

export const gatewayConfig = defineConfig({
  supergraph: supergraphPath,
  // Rust query planner; also selected by `--hive-router-runtime`, but set here
  // so a missing package fails loudly instead of silently falling back.
  unifiedGraphHandler,

  transportEntries: Object.fromEntries(
    Object.entries(subgraphUrls).map(([name, location]) => [name, { location }]),
  ),

  host,
  port,
  graphqlEndpoint: GRAPHQL_PATH,
  logging: logger,

  // x-request-id: reused from the client or generated (UUID), sent to every
  // subgraph request, echoed on the response and added to every log line of
  // the request (this is the default).
  requestId: { headerName: 'x-request-id' },

  // Only these headers reach the subgraphs; nothing else the client sent does
  // (a client's own x-client-ip or x-forwarded-for is dropped).
  propagateHeaders: {
    fromClientToSubgraphs({ request, context }) {
      return {
        authorization: request.headers.get('authorization'),
        'x-router-secret': routerSecret,
        'x-client-ip': clientAddress(request, context),
      };
    },
  },

  jwt: {
    signingKeyProviders: [signingKeyProvider()],
    tokenLookupLocations: [bearerTokenFromHeader],
    tokenVerification: {
      algorithms: [jwtAlgorithm as 'RS256' | 'HS256'],
      issuer: jwtIssuer,
      audience: jwtAudience,
      clockTolerance: jwtLeewaySeconds,
    },
    // Anonymous requests pass (public signup/login/refreshToken); a token that
    // is present but invalid is refused with 401 before any subgraph is called.
    reject: { missingToken: false, invalidToken: true },
    // The verified token is only used for the checks above; the subgraphs get
    // the raw Authorization header and verify it themselves.
    forward: { payload: false, token: false },
  },

  // Limits (values and reasons under "limits" above).
  maxTokens: limits.maxTokens,
  upstreamTimeout: limits.subgraphTimeoutMs,
  blockFieldSuggestions: !development,
  ...(introspection ? {} : { disableIntrospection: {} }),
  csrfPrevention: { requestHeaders: [CSRF_HEADER] },

  plugins: () => [
    useRequestLog(GRAPHQL_PATH),
    useRequestBodyLimit(limits.maxRequestBodyBytes),
    // flattenFragments: a fragment spread is not a level of its own (by default
    // graphql-armor counts each spread as two).
    maxDepthPlugin({ n: limits.maxDepth, flattenFragments: true, ...asValidationError }),
    maxAliasesPlugin({ n: limits.maxAliases, ...asValidationError }),
    maxDirectivesPlugin({ n: limits.maxDirectives, ...asValidationError }),
    useCostLimit({ maxCost: limits.maxCost, maxPageSize: limits.maxPageSize }),
    useAccessTokenPolicy(),
    useSubgraphFailureErrors({ hideCallDetails: !development }),
    // Debug aid: ROUTER_EXPOSE_QUERY_PLAN=true adds the Rust planner's query
    // plan to every response under extensions.queryPlan.
    // (cast: router-runtime's typings resolve the gateway types through a
    // different module mode, which tsc reports as a Logger mismatch)
    ...(envString('ROUTER_EXPOSE_QUERY_PLAN', 'false') === 'true'
      ? [useQueryPlan({ expose: true }) as unknown as GatewayPlugin]
      : []),
  ],

  // Prometheus text format at /metrics, on the router's port (keep it off the
  // public proxy): HTTP requests (count and duration by method and status),
  // GraphQL operations (count, duration, errors by phase, parse/validate/execute
  // times) by operation type, and each subgraph call (duration, errors, HTTP
  // fetch time) by subgraph. No label takes a value from the client (operation
  // name, URL with its query string, error path): each distinct value would be
  // a new time series, kept in memory for good. Operation names are in the logs.
  prometheus: {
    endpoint: '/metrics',
    labels: { operationName: false, url: false, path: false },
    metrics: {
      graphql_yoga_http_duration: true,
      graphql_envelop_request: true,
      graphql_envelop_request_duration: true,
      graphql_envelop_error_result: true,
      graphql_envelop_phase_parse: true,
      graphql_envelop_phase_validate: true,
      graphql_envelop_phase_execute: true,
      graphql_gateway_subgraph_execute_duration: true,
      graphql_gateway_subgraph_execute_errors: true,
      graphql_gateway_fetch_duration: true,
      // On by default, not useful here: no deprecated fields, no subscriptions,
      // a static supergraph, context building does nothing slow, and the
      // summary repeats graphql_envelop_request_duration.
      graphql_envelop_deprecated_field: false,
      graphql_envelop_phase_subscribe: false,
      graphql_envelop_schema_change: false,
      graphql_envelop_phase_context: false,
      graphql_envelop_request_time_summary: false,
    },
  },

  cors:
    corsOrigins.length > 0
      ? {
          origin: corsOrigins,
          methods: ['GET', 'POST', 'OPTIONS'],
          allowedHeaders: ['Authorization', 'Content-Type', 'x-request-id', CSRF_HEADER],
          exposedHeaders: ['x-request-id'],
          credentials: false,
          maxAge: 600,
        }
      : false, // no CORS_ALLOWED_ORIGINS: no cross-origin browser access

  // Yoga's GraphiQL, bundled inline (no CDN): works offline. Served only where
  // introspection is allowed (it cannot load the schema otherwise).
  renderGraphiQL,
  graphiql: introspection ? { title: 'Federated API', defaultQuery } : false,
  // The default landing page at / loads highlight.js from a CDN.
  landingPage: false,

  healthCheckEndpoint: '/healthcheck',
  readinessCheckEndpoint: '/readiness',
});
