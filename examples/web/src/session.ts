/**
 * The signed-in session: who the user is and their token pair.
 *
 * Tokens live in memory and are mirrored to sessionStorage, so a reload keeps the user signed
 * in while closing the tab signs them out. sessionStorage belongs to one tab: two tabs never
 * race to rotate the same refresh token (the users service revokes a refresh token once used).
 * Any script running on this origin can read it, like any storage a script can reach.
 *
 * `authorized()` sends an operation with the access token, refreshing it first when it is
 * about to expire, and once more, then retrying, when the router answers 401/UNAUTHENTICATED.
 */
import { ApiError, execute } from './api';
import {
  DeleteAccountDocument,
  LoginDocument,
  LogoutDocument,
  MeDocument,
  RefreshTokenDocument,
  RequestPasswordResetDocument,
  ResendVerificationEmailDocument,
  ResetPasswordDocument,
  SignupDocument,
  VerifyEmailDocument,
  type TypedDocumentString,
} from './generated/graphql';

const STORAGE_KEY = 'web-example.session';
/** Refresh this long before the access token expires, so a request never races its expiry. */
const REFRESH_MARGIN_MS = 30_000;

export interface SessionUser {
  id: string;
  email: string;
  /** Whether the address is verified; the page offers a new verification link while it is not. */
  isVerified: boolean;
}

interface StoredSession {
  user: SessionUser;
  access: string;
  refresh: string;
  /** When the access token expires, on this browser's clock (ms since the epoch). */
  accessExpiresAt: number;
}

/** The refresh token was refused (expired, revoked): the user must log in again. */
export class SessionExpiredError extends Error {
  constructor() {
    super('Your session has expired. Please log in again.');
    this.name = 'SessionExpiredError';
  }
}

let current: StoredSession | null = restore();
let refreshInFlight: Promise<void> | null = null;

function restore(): StoredSession | null {
  try {
    const stored = sessionStorage.getItem(STORAGE_KEY);
    return stored ? (JSON.parse(stored) as StoredSession) : null;
  } catch {
    return null;
  }
}

function save(session: StoredSession | null): void {
  current = session;
  if (session) sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
  else sessionStorage.removeItem(STORAGE_KEY);
}

/**
 * The access token's lifetime (`exp - iat`, both set by the server) counted from now: a client
 * clock that is off by minutes still refreshes in time.
 */
function expiresAt(accessToken: string): number {
  const payload = accessToken.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
  const claims = JSON.parse(atob(payload)) as { exp: number; iat: number };
  return Date.now() + (claims.exp - claims.iat) * 1000;
}

function start(user: SessionUser, access: string, refresh: string): SessionUser {
  save({ user, access, refresh, accessExpiresAt: expiresAt(access) });
  return user;
}

export function currentUser(): SessionUser | null {
  return current?.user ?? null;
}

function sessionUser(user: SessionUser): SessionUser {
  return { id: user.id, email: user.email, isVerified: user.isVerified };
}

/**
 * Where the server requires verified addresses, the account is created and the link mailed, but
 * the answer is an EMAIL_NOT_VERIFIED error instead of tokens.
 */
export async function signup(email: string, password: string): Promise<SessionUser> {
  const { signup: payload } = await execute(SignupDocument, { input: { email, password } });
  return start(sessionUser(payload.user), payload.access, payload.refresh);
}

export async function login(email: string, password: string): Promise<SessionUser> {
  const { login: payload } = await execute(LoginDocument, { input: { email, password } });
  return start(sessionUser(payload.user), payload.access, payload.refresh);
}

/** The mailed reset link's token and a new password: every other session ends, this one starts. */
export async function resetPassword(token: string, newPassword: string): Promise<SessionUser> {
  const { resetPassword: payload } = await execute(ResetPasswordDocument, { token, newPassword });
  return start(sessionUser(payload.user), payload.access, payload.refresh);
}

/** Mails a reset link if an account uses `email`; the answer is the same either way. */
export async function requestPasswordReset(email: string): Promise<void> {
  await execute(RequestPasswordResetDocument, { email });
}

/** Mails a new verification link if `email` belongs to an unverified account. */
export async function resendVerificationEmail(email: string): Promise<void> {
  await execute(ResendVerificationEmailDocument, { email });
}

/** The mailed verification link's token; needs no session (the link may open in any tab). */
export async function verifyEmail(token: string): Promise<void> {
  await execute(VerifyEmailDocument, { token });
}

/** After a verification, the signed-in user's state as the server has it now. */
export async function markVerifiedIfSignedIn(): Promise<void> {
  if (!current) return;
  const { me } = await authorized(MeDocument, {});
  if (current && me && current.user.id === me.id) save({ ...current, user: sessionUser(me) });
}

/** Deletes the account (the password is asked again); the session ends with it. */
export async function deleteAccount(password: string): Promise<void> {
  await authorized(DeleteAccountDocument, { password });
  save(null);
}

/** Revokes the refresh token; the session ends here even if the router cannot be reached. */
export async function logout(): Promise<void> {
  const session = current;
  save(null);
  if (session) await execute(LogoutDocument, { refresh: session.refresh });
}

/** One refresh at a time: concurrent callers wait for the same rotation. */
function refreshAccessToken(): Promise<void> {
  refreshInFlight ??= (async () => {
    const session = current;
    if (!session) throw new SessionExpiredError();
    try {
      const { refreshToken } = await execute(RefreshTokenDocument, { refresh: session.refresh });
      start(session.user, refreshToken.access, refreshToken.refresh);
    } catch (error) {
      if (error instanceof ApiError && error.unauthenticated) {
        save(null);
        throw new SessionExpiredError();
      }
      throw error;
    }
  })().finally(() => {
    refreshInFlight = null;
  });
  return refreshInFlight;
}

/**
 * Sends `document` as the signed-in user. Retrying after a 401 is safe for mutations too: the
 * router refuses a bad token before any subgraph runs the operation.
 */
export async function authorized<TResult, TVariables>(
  document: TypedDocumentString<TResult, TVariables>,
  variables: TVariables,
): Promise<TResult> {
  if (!current) throw new SessionExpiredError();
  if (Date.now() >= current.accessExpiresAt - REFRESH_MARGIN_MS) await refreshAccessToken();
  const sentToken = current.access;
  try {
    return await execute(document, variables, sentToken);
  } catch (error) {
    if (!(error instanceof ApiError && error.unauthenticated)) throw error;
  }
  // Another request may have refreshed meanwhile; otherwise refresh now.
  if (current?.access === sentToken) await refreshAccessToken();
  if (!current) throw new SessionExpiredError();
  try {
    return await execute(document, variables, current.access);
  } catch (error) {
    if (error instanceof ApiError && error.unauthenticated) {
      save(null);
      throw new SessionExpiredError();
    }
    throw error;
  }
}
