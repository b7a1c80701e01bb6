/**
 * Automatic persisted queries (Apollo's APQ protocol) and trusted documents, in one place since
 * both read the same request field: `extensions.persistedQuery.sha256Hash`.
 *
 * - APQ: a client sends the hash alone; an unknown hash answers PERSISTED_QUERY_NOT_FOUND, the
 *   client resends the hash with the document, the router checks the hash and remembers the
 *   document (in a store bounded in characters, per replica: a replica that has not seen it
 *   costs one resend), and later requests run by hash.
 * - Trusted documents: the manifests (`make schema` writes schema/persisted-query-manifest.json)
 *   are known to every replica from the start, by id. The mode says what happens to a document
 *   that is not in them: `off` runs it, `log` runs it and logs a warning, `only-trusted` refuses
 *   it (PERSISTED_QUERY_NOT_IN_LIST) and learns nothing from APQ.
 *
 * A document found by hash replaces the request's `query`, so it then goes through parsing and
 * validation, and every limit, like a document sent in full.
 *
 * Not @graphql-yoga/plugin-apq: its peer range (@graphql-tools/utils ^10) conflicts with the
 * gateway's (^12), and trusted documents would need a second plugin reading the same field.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { GatewayPlugin, Logger } from '@graphql-hive/gateway-runtime';
import { GraphQLError } from 'graphql';

export const TRUSTED_DOCUMENTS_MODES = ['off', 'log', 'only-trusted'] as const;
export type TrustedDocumentsMode = (typeof TRUSTED_DOCUMENTS_MODES)[number];

/** The id Apollo's clients compute for a document: the hex SHA-256 of its text. */
export function documentHash(document: string): string {
  return createHash('sha256').update(document).digest('hex');
}

/**
 * Trusted documents by id, from manifest files in Apollo's persisted query manifest format
 * (`{"format": "apollo-persisted-query-manifest", "operations": [{id, body}]}`) or GraphQL
 * Code Generator's persisted documents (`{"<id>": "<document>"}`).
 */
export function readTrustedDocuments(paths: readonly string[]): Map<string, string> {
  const documents = new Map<string, string>();
  for (const path of paths) {
    const manifest = JSON.parse(readFileSync(path, 'utf8'));
    const entries: [unknown, unknown][] =
      manifest?.format === 'apollo-persisted-query-manifest'
        ? manifest.operations.map((operation: { id: unknown; body: unknown }) => [operation.id, operation.body])
        : Object.entries(manifest ?? {});
    for (const [id, body] of entries) {
      if (typeof id !== 'string' || typeof body !== 'string') {
        throw new Error(`${path}: not a persisted documents manifest (an id or a body is not a string)`);
      }
      documents.set(id, body);
    }
  }
  return documents;
}

/** Documents by hash, least recently used first out once their text exceeds `maxCharacters`. */
export class BoundedDocumentStore {
  private readonly documents = new Map<string, string>();
  private readonly maxCharacters: number;
  private characters = 0;

  constructor(maxCharacters: number) {
    this.maxCharacters = maxCharacters;
  }

  get(hash: string): string | undefined {
    const document = this.documents.get(hash);
    if (document !== undefined) {
      this.documents.delete(hash);
      this.documents.set(hash, document);
    }
    return document;
  }

  set(hash: string, document: string): void {
    if (document.length > this.maxCharacters) return;
    const previous = this.documents.get(hash);
    if (previous !== undefined) {
      this.documents.delete(hash);
      this.characters -= previous.length;
    }
    this.documents.set(hash, document);
    this.characters += document.length;
    for (const [oldestHash, oldest] of this.documents) {
      if (this.characters <= this.maxCharacters) break;
      this.documents.delete(oldestHash);
      this.characters -= oldest.length;
    }
  }

  get size(): number {
    return this.documents.size;
  }
}

/** `extensions.persistedQuery.sha256Hash` of a request (APQ version 1), if it has one. */
function persistedQueryHash(extensions: unknown): string | undefined {
  const persistedQuery = (extensions as { persistedQuery?: { version?: unknown; sha256Hash?: unknown } } | undefined)
    ?.persistedQuery;
  if (persistedQuery?.version !== 1 || typeof persistedQuery.sha256Hash !== 'string') return undefined;
  return persistedQuery.sha256Hash;
}

function refusal(message: string, code: string, status: number): GraphQLError {
  return new GraphQLError(message, { extensions: { code, http: { status } } });
}

export interface PersistedDocumentsOptions {
  mode: TrustedDocumentsMode;
  /** Trusted documents by id (readTrustedDocuments). */
  trustedDocuments: ReadonlyMap<string, string>;
  /** How many characters of documents APQ may remember (per replica). */
  apqStoreCharacters: number;
  /** For `log` mode, when the request has no logger of its own. */
  log: Pick<Logger, 'warn'>;
}

export function usePersistedDocuments({
  mode,
  trustedDocuments,
  apqStoreCharacters,
  log,
}: PersistedDocumentsOptions): GatewayPlugin {
  const trustedBodies = new Set(trustedDocuments.values());
  const learned = new BoundedDocumentStore(apqStoreCharacters);
  return {
    onParams({ params, setParams, context }) {
      const hash = persistedQueryHash(params.extensions);
      if (params.query == null) {
        if (hash === undefined) return; // Yoga answers "Must provide query string."
        const document = trustedDocuments.get(hash) ?? (mode === 'only-trusted' ? undefined : learned.get(hash));
        // Apollo's message and code: its PersistedQueryLink then resends with the document.
        if (document === undefined) throw refusal('PersistedQueryNotFound', 'PERSISTED_QUERY_NOT_FOUND', 200);
        setParams({ ...params, query: document });
        return;
      }
      if (hash !== undefined && hash !== documentHash(params.query)) {
        throw refusal(
          'PersistedQueryMismatch: extensions.persistedQuery.sha256Hash is not the SHA-256 of the query',
          'PERSISTED_QUERY_MISMATCH',
          400,
        );
      }
      if (trustedBodies.has(params.query)) return;
      if (mode === 'only-trusted') {
        throw refusal(
          'Only trusted documents run here: send the id of a registered operation in extensions.persistedQuery.sha256Hash',
          'PERSISTED_QUERY_NOT_IN_LIST',
          400,
        );
      }
      if (mode === 'log') {
        const requestLog = (context as { log?: Pick<Logger, 'warn'> } | undefined)?.log ?? log;
        requestLog.warn(
          { operationName: params.operationName ?? null, documentHash: documentHash(params.query) },
          'document not in the trusted documents',
        );
      }
      if (hash !== undefined) learned.set(hash, params.query);
    },
  };
}
