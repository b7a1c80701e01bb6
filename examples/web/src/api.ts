/**
 * One GraphQL request to the router over fetch, typed by the generated documents.
 */
import type { TypedDocumentString } from './generated/graphql';

export const GRAPHQL_URL = import.meta.env.VITE_GRAPHQL_URL || 'http://127.0.0.1:4000/graphql';

interface GraphQLErrorBody {
  message: string;
  extensions?: { code?: string };
}

interface GraphQLResponseBody<TResult> {
  data?: TResult | null;
  errors?: GraphQLErrorBody[];
}

/** The router refused the request or the operation failed; `codes` are the errors' `extensions.code`. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly codes: string[],
    readonly status: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** No valid access token: the router answers 401, a subgraph `UNAUTHENTICATED`. */
  get unauthenticated(): boolean {
    return this.status === 401 || this.codes.includes('UNAUTHENTICATED');
  }
}

/** fetch() failed: the router is unreachable, or it refused this page's origin (CORS). */
export class NetworkError extends Error {
  constructor() {
    super(`Cannot reach the API at ${GRAPHQL_URL}.`);
    this.name = 'NetworkError';
  }
}

/** The name of the document's operation (its fragments follow it). */
function operationName(document: string): string | undefined {
  return /^\s*(?:query|mutation)\s+(\w+)/.exec(document)?.[1];
}

/**
 * The request for one operation: in a production build its id (APQ's `persistedQuery` extension,
 * which the router reads for trusted documents) instead of its text, otherwise its text.
 */
function requestBody(query: string, variables: unknown): Record<string, unknown> {
  const name = operationName(query);
  const id = name === undefined ? undefined : __PERSISTED_DOCUMENT_IDS__[name];
  if (id === undefined) return { query, operationName: name, variables };
  return { operationName: name, variables, extensions: { persistedQuery: { version: 1, sha256Hash: id } } };
}

/**
 * Sends `document` with `variables`, as the bearer of `accessToken` when given.
 *
 * Returns `data`, also when some fields failed but the rest came back (a post's `author` is null
 * while the users subgraph is down); throws ApiError when there is no data or the token was refused,
 * NetworkError when the router cannot be reached.
 */
export async function execute<TResult, TVariables>(
  document: TypedDocumentString<TResult, TVariables>,
  variables: TVariables,
  accessToken?: string,
): Promise<TResult> {
  const query = document.toString();
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (accessToken) headers.Authorization = `Bearer ${accessToken}`;
  let response: Response;
  try {
    response = await fetch(GRAPHQL_URL, {
      method: 'POST',
      headers,
      body: JSON.stringify(requestBody(query, variables)),
    });
  } catch {
    throw new NetworkError();
  }
  let body: GraphQLResponseBody<TResult>;
  try {
    body = (await response.json()) as GraphQLResponseBody<TResult>;
  } catch {
    const message = `The API answered HTTP ${response.status} without a GraphQL response`;
    throw new ApiError(message, [], response.status);
  }
  const errors = body.errors ?? [];
  const failure = new ApiError(
    errors.map((error) => error.message).join('; ') || `The API answered HTTP ${response.status}`,
    errors.map((error) => error.extensions?.code ?? 'UNKNOWN'),
    response.status,
  );
  if (body.data == null || failure.unauthenticated) throw failure;
  return body.data;
}
