/**
 * Prometheus text format at /metrics, on the router's port (keep it off the public proxy): HTTP
 * requests (count and duration by method and status), GraphQL operations (count, duration, errors
 * by phase, parse/validate/execute times) by operation type, and each subgraph call (duration,
 * errors, HTTP fetch time) by subgraph. No label takes a value from the client (operation name,
 * URL with its query string, error path): each distinct value would be a new time series, kept in
 * memory for good. Operation names are in the logs.
 */
export const prometheusOptions = {
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
    // On by default, not useful here: no deprecated fields, no subscriptions, a static
    // supergraph, context building does nothing slow, and the summary repeats
    // graphql_envelop_request_duration.
    graphql_envelop_deprecated_field: false,
    graphql_envelop_phase_subscribe: false,
    graphql_envelop_schema_change: false,
    graphql_envelop_phase_context: false,
    graphql_envelop_request_time_summary: false,
  },
};
