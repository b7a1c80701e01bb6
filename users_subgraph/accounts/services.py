"""Business rules of accounts: signing up, logging in, verifying email addresses, changing and
resetting passwords, deleting an account, and issuing, rotating and revoking tokens.

Synchronous on purpose: each service is one transaction. Async resolvers call them through
`sync_to_async`. Every expected failure is a kit ClientError the client receives as it is.

Signup, login (and the password check of a password change or an account deletion) and refresh
are rate limited (accounts.rate_limits) before their transaction starts: a counted attempt must stay
counted when the attempt fails and its transaction is rolled back. So are the requests for a
verification or password reset message, which only enqueue the message (accounts.tasks).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django_tasks.base import Task
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from accounts import posts_client, tasks
from accounts import rate_limits as account_limits
from accounts.errors import EmailNotVerified
from accounts.link_tokens import (
    email_verification_tokens,
    link_token_is_valid,
    link_token_user_id,
    password_reset_tokens,
)
from accounts.models import DUPLICATE_EMAIL_MESSAGE, EMAIL_MAX_LENGTH, User
from accounts.selectors import user_get, user_get_by_email
from accounts.tokens import UserRefreshToken
from accounts.validators import PASSWORD_MAX_LENGTH
from subgraph_kit import rate_limits
from subgraph_kit.errors import BadUserInput, Unauthenticated

INVALID_CREDENTIALS_MESSAGE = "Invalid email or password"
EMAIL_NOT_VERIFIED_MESSAGE = "Email is not verified"
WRONG_CURRENT_PASSWORD_MESSAGE = "The current password is not correct"  # noqa: S105 (a message)
SAME_PASSWORD_MESSAGE = "The new password must differ from the current one"  # noqa: S105
SIGNUP_VERIFICATION_REQUIRED_MESSAGE = (
    "Account created. Open the link sent to this email address to verify it, then log in"
)
INVALID_VERIFICATION_TOKEN_MESSAGE = "This verification link is invalid, used or expired"  # noqa: S105
INVALID_PASSWORD_RESET_TOKEN_MESSAGE = "This password reset link is invalid, used or expired"  # noqa: S105 (a message)
WRONG_PASSWORD_MESSAGE = "The password is not correct"  # noqa: S105 (a message)
GONE_USER_MESSAGE = "The user of this access token no longer exists or is inactive"

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class TokenPair:
    access: str
    refresh: str


@dataclass(frozen=True, slots=True)
class Authentication:
    """A user who has just proved who they are, and the tokens issued to them."""

    user: User
    tokens: TokenPair


def email_verification_policy() -> str:
    """ACCOUNT_EMAIL_VERIFICATION: `none`, `optional` or `mandatory` (django-allauth's names)."""
    return settings.ACCOUNT_EMAIL_VERIFICATION


def user_create(*, email: str, password: str) -> User:
    """Register a user: unverified, unless the policy is `none` (nothing will ask them to verify).

    The unique index on the stored, lowercased email is the final guard against duplicates: it
    also settles two signups racing with one address, of which exactly one succeeds.
    """
    user = User(
        email=_normalized_valid_email(email), is_verified=email_verification_policy() == "none"
    )
    try:
        validate_password(password, user=user)
    except ValidationError as error:
        raise BadUserInput(" ".join(error.messages)) from None
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save(force_insert=True)
    except IntegrityError:
        raise BadUserInput(DUPLICATE_EMAIL_MESSAGE) from None
    return user


def _normalized_valid_email(email: str) -> str:
    normalized = User.objects.normalize_email(email)
    if len(normalized) > EMAIL_MAX_LENGTH:
        raise BadUserInput(f"Email must be at most {EMAIL_MAX_LENGTH} characters")
    try:
        validate_email(normalized)
    except ValidationError:
        raise BadUserInput("Enter a valid email address") from None
    return normalized


def user_signup(*, email: str, password: str, client_address: str) -> Authentication:
    """Register, send the verification message (unless the policy is `none`) and issue tokens;
    each attempt counts per client address and per email.

    Under `mandatory` no token is issued: the account is created and the message sent, and the
    answer is EMAIL_NOT_VERIFIED, the code login gives until the address is verified.
    """
    with rate_limits.attempt(
        counted_always=[
            account_limits.SIGNUP_PER_CLIENT.quota(rate_limits.client_subject(client_address)),
            account_limits.SIGNUP_PER_EMAIL.quota(User.objects.normalize_email(email)),
        ]
    ):
        user = _user_register(email=email, password=password)
    if email_verification_policy() == "mandatory":
        raise EmailNotVerified(SIGNUP_VERIFICATION_REQUIRED_MESSAGE)
    return Authentication(user=user, tokens=token_pair_issue(user=user))


@transaction.atomic
def _user_register(*, email: str, password: str) -> User:
    user = user_create(email=email, password=password)
    if not user.is_verified:
        # A row of this transaction (django-tasks-db): no message for a signup that fails.
        tasks.send_verification_email.enqueue(email=user.email)
    return user


def user_login(*, email: str, password: str, client_address: str) -> Authentication:
    """Check credentials and issue tokens; one message for every wrong credential.

    An unknown email still costs one password hash, so neither the message nor the response time
    tells whether an account exists. A password hashed with other parameters or another hasher
    than the first of PASSWORD_HASHERS is re-hashed with it on success (Django's check_password).
    """
    email = User.objects.normalize_email(email)
    with _password_attempt(email=email, client_address=client_address):
        if len(password) > PASSWORD_MAX_LENGTH:
            # No stored password can be this long: refuse before spending time hashing it.
            raise Unauthenticated(INVALID_CREDENTIALS_MESSAGE)
        user = user_get_by_email(email=email)
        _release_database_connection()
        if user is None:
            # As long as checking a password: the response time does not tell the email is unknown.
            User().set_password(password)
            raise Unauthenticated(INVALID_CREDENTIALS_MESSAGE)
        # Inactive users too get the one message, after their password was checked.
        if not user.check_password(password) or not user.is_active:
            raise Unauthenticated(INVALID_CREDENTIALS_MESSAGE)
    # After the attempt: the right password for an unverified account (EMAIL_NOT_VERIFIED under
    # `mandatory`) is no failed guess, and must not lock its owner out.
    return Authentication(user=user, tokens=token_pair_issue(user=user))


def _release_database_connection() -> None:
    """Give this thread's database connection back to the pool before hashing a password.

    A hash takes a while, longer when it waits for a free hashing thread (accounts.hashers): a burst
    of logins holding their connections meanwhile would take the whole pool, and the requests
    still waiting for one would fail after the pool's timeout. The next query takes one again.
    Inside a transaction the connection must stay.
    """
    if not connection.in_atomic_block:
        connection.close()


@contextmanager
def _password_attempt(*, email: str, client_address: str) -> Iterator[None]:
    """One guess at the password of `email`'s account, under the login limits.

    Every attempt counts against the client's address. Until it succeeds, it also counts as a
    failure for the email from this address, and for the email from every address unless this
    address has logged in to the account before: an attacker can make the email's limit refuse
    new addresses, but not addresses its owner uses, nor the owner's sessions (refresh tokens).
    """
    client = rate_limits.client_subject(client_address)
    failure_quotas = [account_limits.LOGIN_FAILURES_PER_EMAIL_AND_CLIENT.quota(email, client)]
    if not account_limits.is_known_login_client(email=email, client=client):
        failure_quotas.append(account_limits.LOGIN_FAILURES_PER_EMAIL.quota(email))
    with rate_limits.attempt(
        counted_always=[account_limits.LOGIN_PER_CLIENT.quota(client)],
        counted_if_failed=failure_quotas,
    ):
        yield
    account_limits.remember_login_client(email=email, client=client)


def user_password_change(
    *, user_id: uuid.UUID, current_password: str, new_password: str, client_address: str
) -> Authentication:
    """Change a password, knowing the current one; then revoke every refresh token of the user
    (all devices) and issue a new pair for the device that asked.

    A wrong current password is BAD_USER_INPUT (a mistake in a form, not a lost session) and
    counts as a failed login: a stolen access token does not open an unlimited password oracle.
    Access tokens already issued stay valid until they expire.
    """
    user = user_get(user_id=user_id)
    if user is None or not user.is_active:
        raise Unauthenticated("The user of this access token no longer exists or is inactive")
    if new_password == current_password:
        raise BadUserInput(SAME_PASSWORD_MESSAGE)
    try:
        validate_password(new_password, user=user)
    except ValidationError as error:
        raise BadUserInput(" ".join(error.messages)) from None
    with _password_attempt(email=user.email, client_address=client_address):
        return _user_password_replace(
            user_id=user_id, current_password=current_password, new_password=new_password
        )


@transaction.atomic
def _user_password_replace(
    *, user_id: uuid.UUID, current_password: str, new_password: str
) -> Authentication:
    user = _locked_user(user_id)
    if user is None or not user.is_active:
        raise Unauthenticated("The user of this access token no longer exists or is inactive")
    if len(current_password) > PASSWORD_MAX_LENGTH or not user.check_password(current_password):
        raise BadUserInput(WRONG_CURRENT_PASSWORD_MESSAGE)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    _revoke_all_refresh_tokens(user)
    return Authentication(user=user, tokens=token_pair_issue(user=user))


def verification_email_request(*, email: str, client_address: str) -> None:
    """Queue a verification message for `email`'s account; counted per client and per email.

    The same answer and the same work whether the address is unknown, verified or not: the
    task decides whether a message goes out (accounts.tasks).
    """
    _mail_request(
        email=email,
        client_address=client_address,
        per_client=account_limits.VERIFICATION_EMAIL_PER_CLIENT,
        per_email=account_limits.VERIFICATION_EMAIL_PER_EMAIL,
        task=tasks.send_verification_email,
    )


@transaction.atomic
def email_verify(*, token: str) -> User:
    """Mark the address of the token's user verified; the token then stops working."""
    user = _link_token_owner(
        token, tokens=email_verification_tokens, invalid_message=INVALID_VERIFICATION_TOKEN_MESSAGE
    )
    user.is_verified = True
    user.save(update_fields=["is_verified"])
    return user


def password_reset_request(*, email: str, client_address: str) -> None:
    """Queue a password reset message for `email`'s account; counted per client and per email.

    The same answer and the same work whether the account exists or not (accounts.tasks).
    """
    _mail_request(
        email=email,
        client_address=client_address,
        per_client=account_limits.PASSWORD_RESET_PER_CLIENT,
        per_email=account_limits.PASSWORD_RESET_PER_EMAIL,
        task=tasks.send_password_reset_email,
    )


def _mail_request(
    *,
    email: str,
    client_address: str,
    per_client: rate_limits.RateLimit,
    per_email: rate_limits.RateLimit,
    task: Task,
) -> None:
    """Count the request per client and per (normalized) address, then queue `task` with the
    address: whether a message goes out is the task's decision, off the request path."""
    email = _normalized_valid_email(email)
    with rate_limits.attempt(
        counted_always=[
            per_client.quota(rate_limits.client_subject(client_address)),
            per_email.quota(email),
        ]
    ):
        task.enqueue(email=email)


@transaction.atomic
def password_reset(*, token: str, new_password: str) -> Authentication:
    """Set a new password with a mailed reset token, as Django's PasswordResetConfirmView does.

    The password is checked with signup's rules. Every refresh token of the account is revoked
    and a new pair issued. The token dies with the password it was made from, so it works once.
    Opening the mailed link proved the address is the user's: it is marked verified
    (django-allauth does the same).
    """
    user = _link_token_owner(
        token, tokens=password_reset_tokens, invalid_message=INVALID_PASSWORD_RESET_TOKEN_MESSAGE
    )
    try:
        validate_password(new_password, user=user)
    except ValidationError as error:
        raise BadUserInput(" ".join(error.messages)) from None
    user.set_password(new_password)
    user.is_verified = True
    user.save(update_fields=["password", "is_verified"])
    _revoke_all_refresh_tokens(user)
    return Authentication(user=user, tokens=token_pair_issue(user=user))


def _link_token_owner(
    token: str, *, tokens: PasswordResetTokenGenerator, invalid_message: str
) -> User:
    """The active user a valid mailed token of this kind names, row locked (two uses of one
    token queue, and the second finds it spent); BAD_USER_INPUT with `invalid_message` for an
    unknown, inactive, expired or spent token, without saying which."""
    user_id = link_token_user_id(token)
    user = _locked_user(user_id) if user_id is not None else None
    if user is None or not user.is_active:
        raise BadUserInput(invalid_message)
    if not link_token_is_valid(user=user, token=token, tokens=tokens):
        raise BadUserInput(invalid_message)
    return user


def user_delete(*, user_id: uuid.UUID, password: str, client_address: str) -> None:
    """Delete the account, knowing its password; its posts disappear at once and are deleted
    from the posts service in the background.

    One transaction deletes the user, revokes every refresh token, and queues the purge of the
    posts (accounts.signals, accounts.tasks): all of it commits, or none. Then, best effort,
    posts is told at once, so no query returns the posts from the moment this returns; if posts
    does not answer, the purge task tells it as soon as posts is back (docs/security.md,
    "Deleting an account").

    A wrong password is BAD_USER_INPUT and counts as a failed login, as for a password change.
    Repeated after success, the user no longer exists: UNAUTHENTICATED, nothing changes.
    """
    user = user_get(user_id=user_id)
    if user is None or not user.is_active:
        raise Unauthenticated(GONE_USER_MESSAGE)
    with _password_attempt(email=user.email, client_address=client_address):
        _user_delete(user_id=user_id, password=password)
    try:
        posts_client.deleted_user_record(user_id=user_id)
    except posts_client.PostsServiceUnavailable as error:
        logger.warning(
            "Posts not told of deleted user %s yet (the purge task will): %s", user_id, error
        )


@transaction.atomic
def _user_delete(*, user_id: uuid.UUID, password: str) -> None:
    user = _locked_user(user_id)
    if user is None or not user.is_active:
        raise Unauthenticated(GONE_USER_MESSAGE)
    if len(password) > PASSWORD_MAX_LENGTH or not user.check_password(password):
        raise BadUserInput(WRONG_PASSWORD_MESSAGE)
    _revoke_all_refresh_tokens(user)
    # The recorded refresh tokens stay (their user becomes null), so revoked ones stay revoked.
    # Deleting queues the purge of the posts, in this transaction (accounts.signals).
    user.delete()


def token_pair_issue(*, user: User) -> TokenPair:
    """A new refresh token (recorded as outstanding, so it can be revoked) and an access token
    carrying the user's current email and staff status.

    The one place tokens are made, so the one place to refuse inactive users and, when the
    policy is `mandatory`, unverified ones (superusers excepted: they can always reach the admin
    to fix the mail settings).
    """
    if not user.is_active:
        raise Unauthenticated("This account is inactive")
    if (
        email_verification_policy() == "mandatory"
        and not user.is_verified
        and not user.is_superuser
    ):
        raise EmailNotVerified(EMAIL_NOT_VERIFIED_MESSAGE)
    refresh = UserRefreshToken.for_user(user)
    access = refresh.access_token
    access["email"] = user.email
    access["is_staff"] = user.is_staff
    return TokenPair(access=str(access), refresh=str(refresh))


def token_refresh(*, refresh: str, client_address: str) -> TokenPair:
    """Rotate a refresh token; each attempt counts per client address.

    No limit per account: a refresh token cannot be guessed (it is signed), so the limit guards
    against volume, and a limit per user would let one leaked token lock out every device.
    """
    with rate_limits.attempt(
        counted_always=[
            account_limits.REFRESH_PER_CLIENT.quota(rate_limits.client_subject(client_address))
        ]
    ):
        return _token_rotate(refresh=refresh)


@transaction.atomic
def _token_rotate(*, refresh: str) -> TokenPair:
    """Revoke a refresh token and issue a new pair with the user's current claims.

    One transaction locking the user's row, then the token's (every service here locks in this
    order): of two concurrent refreshes with one token, the second waits for the first, then
    finds the token revoked. A concurrent logoutAll or password change either commits first, and
    this refresh finds its token revoked, or waits and then revokes the new token too.
    """
    token = _verified_refresh_token(refresh)
    # Read now, not copied from the old token: the new access token carries current claims.
    user = _locked_user(token.get("id"))
    _revoke(token)
    if user is None:
        raise Unauthenticated("The user of this refresh token no longer exists")
    return token_pair_issue(user=user)


@transaction.atomic
def token_blacklist(*, refresh: str) -> None:
    """Revoke a refresh token (log out): refreshing with it fails from now on."""
    _revoke(_verified_refresh_token(refresh))


@transaction.atomic
def token_blacklist_all(*, user_id: uuid.UUID) -> None:
    """Revoke every refresh token of a user (log out on all devices)."""
    user = _locked_user(user_id)
    if user is None:
        raise Unauthenticated("The user of this access token no longer exists")
    _revoke_all_refresh_tokens(user)


def _locked_user(user_id: object) -> User | None:
    """The user, its row locked until the transaction ends: token changes of one user queue."""
    return User.objects.select_for_update().filter(id=user_id).first()


def _verified_refresh_token(raw_token: str) -> UserRefreshToken:
    """A refresh token whose signature, issuer, audience, expiry and type are valid, and which
    is not revoked; wrong or garbage tokens, and access tokens, are refused."""
    try:
        return UserRefreshToken(raw_token)
    except TokenError as error:
        raise Unauthenticated(f"Invalid refresh token: {error}") from None


def _revoke(token: UserRefreshToken) -> None:
    outstanding = OutstandingToken.objects.select_for_update().filter(jti=token["jti"]).first()
    if outstanding is None:
        # Signed with our key but never recorded as issued: refuse rather than trust it.
        raise Unauthenticated("Invalid refresh token: unknown token")
    if BlacklistedToken.objects.filter(token=outstanding).exists():
        raise Unauthenticated("Invalid refresh token: Token is blacklisted")
    BlacklistedToken.objects.create(token=outstanding)


def _revoke_all_refresh_tokens(user: User) -> None:
    unexpired_unrevoked = OutstandingToken.objects.filter(
        user=user, expires_at__gt=timezone.now(), blacklistedtoken__isnull=True
    ).values_list("id", flat=True)
    BlacklistedToken.objects.bulk_create(
        [BlacklistedToken(token_id=token_id) for token_id in unexpired_unrevoked],
        # A token revoked meanwhile by a logout (which locks only the token's row) stays revoked.
        ignore_conflicts=True,
    )
