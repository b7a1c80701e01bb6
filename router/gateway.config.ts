/**
 * Hive Gateway configuration for the federated API.
 *
 * Everything environment-specific comes from environment variables (see
 * router/README.md). Start it from router/ with `npm start`, i.e.
 * `hive-gateway supergraph --hive-router-runtime`; the CLI picks this file up
 * by its default name `gateway.config.ts`.
 */
import { generateKeyPairSync } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createInlineSigningKeyProvider,
  createRemoteJwksSigningKeyProvider,
  defineConfig,
  type GatewayPlugin,
} from '@graphql-hive/gateway';
import { unifiedGraphHandler, useQueryPlan } from '@graphql-hive/router-runtime';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { GraphQLError } from 'graphql';

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

// ------------------------------------------------------------------- server
const host = envString('ROUTER_HOST', '127.0.0.1');
const port = Number(envString('ROUTER_PORT', '4000'));
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  throw new Error(`ROUTER_PORT must be a TCP port number, got "${env.ROUTER_PORT}"`);
}

// Only ROUTER_LOG_LEVEL: `npm start` unsets LOG_LEVEL/DEBUG (meant for the Django
// services; Hive's logger crashes on e.g. LOG_LEVEL=INFO) and HOST/PORT (the CLI
// would let them override ROUTER_HOST/ROUTER_PORT).
const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error'] as const;
const logLevel = envString('ROUTER_LOG_LEVEL', 'info').toLowerCase() as (typeof LOG_LEVELS)[number];
if (!LOG_LEVELS.includes(logLevel)) {
  throw new Error(`ROUTER_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${env.ROUTER_LOG_LEVEL}"`);
}

// ---------------------------------------------------------------------- JWT
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
      return new GraphQLError(error.message, {
        nodes: error.nodes,
        source: error.source,
        positions: error.positions,
        path: error.path,
        originalError: error.originalError,
        extensions: { ...error.extensions, code: 'UNAUTHENTICATED' },
      });
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

// ---------------------------------------------------------------------- CORS
const corsOrigins = envList('CORS_ALLOWED_ORIGINS');

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
  logging: logLevel,

  // x-request-id: reused from the client or generated (UUID), sent to every
  // subgraph request and echoed on the response (this is the default).
  requestId: { headerName: 'x-request-id' },

  propagateHeaders: {
    fromClientToSubgraphs({ request }) {
      return {
        authorization: request.headers.get('authorization'),
        'x-router-secret': routerSecret,
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

  plugins: () => [
    useAccessTokenPolicy(),
    // Debug aid: ROUTER_EXPOSE_QUERY_PLAN=true adds the Rust planner's query
    // plan to every response under extensions.queryPlan.
    // (cast: router-runtime's typings resolve the gateway types through a
    // different module mode, which tsc reports as a Logger mismatch)
    ...(envString('ROUTER_EXPOSE_QUERY_PLAN', 'false') === 'true'
      ? [useQueryPlan({ expose: true }) as unknown as GatewayPlugin]
      : []),
  ],

  cors:
    corsOrigins.length > 0
      ? {
          origin: corsOrigins,
          methods: ['GET', 'POST', 'OPTIONS'],
          allowedHeaders: ['Authorization', 'Content-Type', 'x-request-id'],
          exposedHeaders: ['x-request-id'],
          credentials: false,
          maxAge: 600,
        }
      : false, // no CORS_ALLOWED_ORIGINS: no cross-origin browser access

  // Yoga's GraphiQL, bundled inline (no CDN): works offline.
  renderGraphiQL,
  graphiql: {
    title: 'Federated API',
    defaultQuery,
  },
  // The default landing page at / loads highlight.js from a CDN.
  landingPage: false,

  healthCheckEndpoint: '/healthcheck',
  readinessCheckEndpoint: '/readiness',
});
