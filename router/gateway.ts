/**
 * The gateway's configuration: this file only wires the router's modules together (router/README.md
 * describes them) into the options of Hive Gateway's runtime, `createGatewayRuntime`, which
 * server.ts (the entry point) serves.
 *
 * settings.ts        every environment variable, its default and its reason; the limits
 * auth.ts            signing keys, bearer token lookup, the JWT plugin's options
 * client-address.ts  the client's address behind trusted proxies
 * cross-origin.ts    CORS and the CSRF header
 * errors.ts          error helpers shared by the modules and plugins
 * graphiql.ts        GraphiQL and its default document
 * logging.ts         the logger (readable or JSON, redacted)
 * metrics.ts         the Prometheus endpoint
 * plugins/           one module per plugin, in the order they run below
 * serving.ts         the HTTP server, its shutdown, the supergraph file's watch
 */
import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesPlugin } from '@escape.tech/graphql-armor-max-directives';
import { maxTokensPlugin } from '@escape.tech/graphql-armor-max-tokens';
import type { GatewayConfigSupergraph, GatewayPlugin, Logger } from '@graphql-hive/gateway-runtime';
import { useJWT } from '@graphql-mesh/plugin-jwt-auth';
import usePrometheus from '@graphql-mesh/plugin-prometheus';
import httpTransport from '@graphql-mesh/transport-http';
import { unifiedGraphHandler, useQueryPlan } from '@graphql-hive/router-runtime';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { jwtOptions } from './auth.ts';
import { clientAddressResolver } from './client-address.ts';
import { corsOptions, CSRF_HEADER, useVaryOnOrigin } from './cross-origin.ts';
import { asValidationError } from './errors.ts';
import { graphiqlOptions } from './graphiql.ts';
import { prometheusOptions } from './metrics.ts';
import { useAccessTokenPolicy } from './plugins/access-token-policy.ts';
import { useBatchLimit } from './plugins/batch-limit.ts';
import { useCostLimit } from './plugins/cost-limit.ts';
import { useCsrfPrevention } from './plugins/csrf-prevention.ts';
import { useGraphiQLOffPage } from './plugins/graphiql-off-page.ts';
import { useHiddenSuggestions } from './plugins/hide-suggestions.ts';
import { useKnownOperationTypes } from './plugins/known-operation-types.ts';
import { useNoStreamingResponses } from './plugins/no-streaming-responses.ts';
import { readTrustedDocuments, usePersistedDocuments } from './plugins/persisted-documents.ts';
import { useRequestBodyLimit } from './plugins/request-body-limit.ts';
import { useRequestLog } from './plugins/request-log.ts';
import { useSubgraphFailureErrors } from './plugins/subgraph-failure-errors.ts';
import { useUnreachableSubgraphErrors } from './plugins/unreachable-subgraph.ts';
import { useVariableErrorCodes } from './plugins/variable-errors.ts';
import type { Settings } from './settings.ts';

const GRAPHQL_PATH = '/graphql';

export function gatewayConfig(settings: Settings, logger: Logger): GatewayConfigSupergraph {
  const { limits } = settings;
  const clientAddress = clientAddressResolver(settings.trustedProxies);
  return {
    supergraph: settings.supergraphPath,
    // The Rust query planner (what the gateway CLI's `--hive-router-runtime` selects).
    unifiedGraphHandler,

    // Every subgraph is reached over HTTP. Named here: by default the gateway imports the
    // transport package by name when the first subgraph is called.
    transports: { http: httpTransport },
    transportEntries: Object.fromEntries(
      Object.entries(settings.subgraphUrls).map(([name, location]) => [name, { location }]),
    ),

    graphqlEndpoint: GRAPHQL_PATH,
    logging: logger,

    // x-request-id: reused from the client or generated (UUID), sent to every subgraph request,
    // echoed on the response and added to every log line of the request (this is the default).
    requestId: { headerName: 'x-request-id' },

    // Only these headers reach the subgraphs; nothing else the client sent does (a client's own
    // x-client-ip or x-forwarded-for is dropped).
    propagateHeaders: {
      fromClientToSubgraphs({ request, context }) {
        return {
          authorization: request.headers.get('authorization'),
          'x-router-secret': settings.routerSecret,
          'x-client-ip': clientAddress(request, context),
        };
      },
    },

    // Limits (values and reasons in settings.ts).
    upstreamTimeout: limits.subgraphTimeoutMs,
    ...(settings.introspection ? {} : { disableIntrospection: {} }),
    // Batches of operations (a JSON array), each run as if sent alone; useBatchLimit refuses a
    // larger one with a 400 before Yoga's own check would (413).
    batching: { limit: limits.maxBatchOperations },

    // The plugins the gateway CLI adds from its `jwt`, `prometheus` and `maxTokens` options come
    // first, in the CLI's order: tokens (anonymous requests pass; an invalid token is refused with
    // 401 before any subgraph is called), Prometheus at /metrics, the token-count limit.
    plugins: () => [
      useJWT(jwtOptions(settings.jwt, (message) => logger.warn(message))),
      usePrometheus({ ...prometheusOptions, log: logger }),
      // (cast: armor's plugins declare a context of their own)
      maxTokensPlugin({ n: limits.maxTokens }) as unknown as GatewayPlugin,
      useRequestLog({ graphqlPath: GRAPHQL_PATH, logger }),
      // Where GraphiQL is off, a browser asking for it gets a page saying how to turn it on.
      ...(settings.introspection ? [] : [useGraphiQLOffPage({ graphqlPath: GRAPHQL_PATH })]),
      useNoStreamingResponses({ graphqlPath: GRAPHQL_PATH }),
      useCsrfPrevention({ requestHeader: CSRF_HEADER }),
      useRequestBodyLimit(limits.maxRequestBodyBytes),
      useBatchLimit(limits.maxBatchOperations),
      // Before parsing: a document found by hash then goes through every limit below.
      usePersistedDocuments({
        mode: settings.persistedDocuments.mode,
        trustedDocuments: readTrustedDocuments(settings.persistedDocuments.manifestPaths),
        apqStoreCharacters: settings.persistedDocuments.apqStoreCharacters,
        log: logger,
      }),
      useKnownOperationTypes(),
      // flattenFragments: a fragment spread is not a level of its own (by default graphql-armor
      // counts each spread as two).
      maxDepthPlugin({ n: limits.maxDepth, flattenFragments: true, ...asValidationError }),
      maxAliasesPlugin({ n: limits.maxAliases, ...asValidationError }),
      maxDirectivesPlugin({ n: limits.maxDirectives, ...asValidationError }),
      useCostLimit({ maxCost: limits.maxCost, maxPageSize: limits.maxPageSize }),
      useAccessTokenPolicy(),
      // A subgraph that cannot be reached (restarting, recreated) answers DOWNSTREAM_SERVICE_ERROR.
      useUnreachableSubgraphErrors({ log: logger }),
      useSubgraphFailureErrors({ hideCallDetails: !settings.development }),
      // A variable the operation cannot use: BAD_USER_INPUT (graphql-js gives no code).
      useVariableErrorCodes(),
      // "Did you mean ...?" names schema members: hidden in production, from every error.
      ...(settings.development ? [] : [useHiddenSuggestions()]),
      ...(settings.corsOrigins.length > 0 ? [useVaryOnOrigin()] : []),
      // (cast: router-runtime's typings resolve the gateway types through a different module mode,
      // which tsc reports as a Logger mismatch)
      ...(settings.exposeQueryPlan ? [useQueryPlan({ expose: true }) as unknown as GatewayPlugin] : []),
    ],

    cors: corsOptions(settings.corsOrigins),

    renderGraphiQL,
    graphiql: graphiqlOptions({ introspection: settings.introspection }),
    // The default landing page at / loads highlight.js from a CDN.
    landingPage: false,

    healthCheckEndpoint: '/healthcheck',
    readinessCheckEndpoint: '/readiness',
  };
}
