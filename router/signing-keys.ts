/**
 * The users subgraph's public signing keys (its JWKS), kept by the router so that checking a token
 * never depends on the JWKS endpoint being reachable at that moment, and so that nobody can make
 * the router spend its fetches.
 *
 * - The last key set fetched successfully is kept until a later fetch succeeds; a failed fetch
 *   (endpoint slow, down, or answering garbage) changes nothing.
 * - The set is re-fetched in the background every `refreshIntervalMs`: a key added to the JWKS is
 *   known within that time, and a key removed from it (a rotated-out or compromised key) is
 *   forgotten within that time, since each successful fetch replaces the whole set.
 * - A token naming a key the set does not hold may trigger one fetch on demand (a key rotated in
 *   since the last refresh) when no fetch started in the last `unknownKeyCooldownMs`: a flood of
 *   made-up `kid`s costs the JWKS endpoint one request per cooldown, and never delays tokens with
 *   a known key.
 * - At most one fetch is in flight at any time; callers that need it share it.
 *
 * jose's createRemoteJWKSet was considered: it has the cooldown and the single flight, but once
 * its cache is older than its max age it fetches on the request path and fails every token while
 * the endpoint is down, where this store keeps the last good set.
 */
import { createPublicKey, type JsonWebKey } from 'node:crypto';

export type SigningKeyStoreOptions = {
  jwksUrl: string;
  refreshIntervalMs: number;
  unknownKeyCooldownMs: number;
  fetchTimeoutMs: number;
  warn: (message: string) => void;
  fetch?: typeof globalThis.fetch;
  now?: () => number;
};

/** What the store can say about a key id. */
export type KeyLookup =
  | { status: 'found'; publicKeyPem: string }
  | { status: 'unknown' } // the key set is loaded and does not hold this key
  | { status: 'unavailable' }; // no key set was ever loaded and the JWKS cannot be fetched

export class SigningKeyStore {
  readonly #options: Required<SigningKeyStoreOptions>;
  #keys: Map<string, string> | undefined;
  #pendingFetch: Promise<void> | undefined;
  #lastFetchStartedAt = Number.NEGATIVE_INFINITY;
  #refreshTimer: ReturnType<typeof setInterval> | undefined;

  constructor(options: SigningKeyStoreOptions) {
    this.#options = { fetch: globalThis.fetch, now: Date.now, ...options };
  }

  /** Loads the key set now (without waiting) and then every refreshIntervalMs. */
  start(): void {
    if (this.#refreshTimer) return;
    void this.refresh().catch(() => {});
    this.#refreshTimer = setInterval(() => void this.refresh().catch(() => {}), this.#options.refreshIntervalMs);
    // The timer alone must not keep the process alive.
    this.#refreshTimer.unref();
  }

  stop(): void {
    clearInterval(this.#refreshTimer);
    this.#refreshTimer = undefined;
  }

  /** The key ids of the current set (empty before the first successful fetch). */
  get keyIds(): string[] {
    return [...(this.#keys?.keys() ?? [])];
  }

  /** The key a token's `kid` names, fetching the JWKS only when the rules above allow it. */
  async lookup(kid: string | undefined): Promise<KeyLookup> {
    const known = this.#find(kid);
    if (known) return known;
    if (this.#keys === undefined) {
      // Never loaded (a cold router, or the JWKS has been unreachable since it started): every
      // token needs this fetch, so it is not rate limited; the single flight bounds it.
      await this.refresh().catch(() => {});
      return this.#find(kid) ?? { status: this.#keys === undefined ? 'unavailable' : 'unknown' };
    }
    const sinceLastFetch = this.#options.now() - this.#lastFetchStartedAt;
    if (this.#pendingFetch === undefined && sinceLastFetch < this.#options.unknownKeyCooldownMs) {
      return { status: 'unknown' };
    }
    await this.refresh().catch(() => {});
    return this.#find(kid) ?? { status: 'unknown' };
  }

  /** The key for a kid from the current set only; never fetches. */
  cached(kid: string | undefined): string | undefined {
    const found = this.#find(kid);
    return found?.status === 'found' ? found.publicKeyPem : undefined;
  }

  /** Fetches the JWKS and replaces the key set; on failure keeps the set and rejects. */
  refresh(): Promise<void> {
    if (this.#pendingFetch) return this.#pendingFetch;
    this.#lastFetchStartedAt = this.#options.now();
    this.#pendingFetch = this.#fetchKeys()
      .then((keys) => {
        this.#keys = keys;
      })
      .catch((error: unknown) => {
        this.#options.warn(
          `JWKS fetch from ${this.#options.jwksUrl} failed (${(error as Error)?.message ?? error}); ` +
            (this.#keys ? `keeping the ${this.#keys.size} key(s) fetched before` : 'no signing key is known yet'),
        );
        throw error;
      })
      .finally(() => {
        this.#pendingFetch = undefined;
      });
    return this.#pendingFetch;
  }

  #find(kid: string | undefined): KeyLookup | undefined {
    if (this.#keys === undefined) return undefined;
    // A token without a kid is checked against the only key, when there is only one (as
    // jwks-rsa did); with several keys it names none of them.
    const publicKeyPem =
      kid === undefined ? (this.#keys.size === 1 ? [...this.#keys.values()][0] : undefined) : this.#keys.get(kid);
    return publicKeyPem === undefined ? undefined : { status: 'found', publicKeyPem };
  }

  async #fetchKeys(): Promise<Map<string, string>> {
    const response = await this.#options.fetch(this.#options.jwksUrl, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(this.#options.fetchTimeoutMs),
    });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const body = (await response.json()) as { keys?: unknown };
    if (!Array.isArray(body?.keys)) throw new Error('the response has no "keys" list');
    return new Map(
      body.keys
        .filter((jwk): jwk is JsonWebKey & { kid: string } => isRsaSigningKey(jwk))
        .map((jwk) => [jwk.kid, createPublicKey({ key: jwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' }).toString()]),
    );
  }
}

// The router verifies RS256 only: other keys in the set (encryption keys, other algorithms) are
// not signing keys for it.
function isRsaSigningKey(jwk: unknown): boolean {
  const key = jwk as Record<string, unknown>;
  return (
    typeof key === 'object' &&
    key !== null &&
    key.kty === 'RSA' &&
    typeof key.kid === 'string' &&
    typeof key.n === 'string' &&
    typeof key.e === 'string' &&
    (key.use === undefined || key.use === 'sig') &&
    (key.alg === undefined || key.alg === 'RS256')
  );
}
