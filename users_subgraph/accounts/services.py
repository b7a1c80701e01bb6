"""Business rules of accounts: signing up, logging in, and issuing, rotating and revoking tokens.

Synchronous on purpose: each service is one transaction. Async resolvers call them through
`sync_to_async`. Every expected failure is a kit ClientError the client receives as it is.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from accounts.models import DUPLICATE_EMAIL_MESSAGE, EMAIL_MAX_LENGTH, User
from accounts.selectors import user_get
from accounts.tokens import UserRefreshToken
from accounts.validators import PASSWORD_MAX_LENGTH
from subgraph_kit.errors import BadUserInput, Unauthenticated

INVALID_CREDENTIALS_MESSAGE = "Invalid email or password"
EMAIL_NOT_VERIFIED_MESSAGE = "Email is not verified"


@dataclass(frozen=True, slots=True)
class TokenPair:
    access: str
    refresh: str


@dataclass(frozen=True, slots=True)
class Authentication:
    """A user who has just proved who they are, and the tokens issued to them."""

    user: User
    tokens: TokenPair


def user_create(*, email: str, password: str) -> User:
    """Register a user, who can log in at once.

    The unique index on the stored, lowercased email is the final guard against duplicates: it
    also settles two signups racing with one address, of which exactly one succeeds.
    """
    user = User(email=_normalized_valid_email(email))
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


@transaction.atomic
def user_signup(*, email: str, password: str) -> Authentication:
    user = user_create(email=email, password=password)
    return Authentication(user=user, tokens=token_pair_issue(user=user))


def user_login(*, email: str, password: str) -> Authentication:
    """Check credentials and issue tokens; one message for every wrong credential.

    An unknown email still costs one password hash (Django's ModelBackend does it), so neither the
    message nor the response time tells whether an account exists.
    """
    if len(password) > PASSWORD_MAX_LENGTH:
        # No stored password can be this long: refuse before spending time hashing it.
        raise Unauthenticated(INVALID_CREDENTIALS_MESSAGE)
    user = authenticate(email=email, password=password)
    # ModelBackend returns None for inactive users too, after checking their password.
    if user is None:
        raise Unauthenticated(INVALID_CREDENTIALS_MESSAGE)
    return Authentication(user=user, tokens=token_pair_issue(user=user))


def token_pair_issue(*, user: User) -> TokenPair:
    """A new refresh token (recorded as outstanding, so it can be revoked) and an access token
    carrying the user's current email and staff status.

    The one place tokens are made, so the one place to refuse inactive and unverified users.
    """
    if not user.is_active:
        raise Unauthenticated("This account is inactive")
    if not user.is_verified and not user.is_superuser:
        raise Unauthenticated(EMAIL_NOT_VERIFIED_MESSAGE)
    refresh = UserRefreshToken.for_user(user)
    access = refresh.access_token
    access["email"] = user.email
    access["is_staff"] = user.is_staff
    return TokenPair(access=str(access), refresh=str(refresh))


@transaction.atomic
def token_refresh(*, refresh: str) -> TokenPair:
    """Rotate a refresh token: revoke it and issue a new pair with the user's current claims.

    One transaction holding a lock on the token's row: of two concurrent refreshes with one
    token, the second waits for the first, then finds the token revoked.
    """
    token = _verified_refresh_token(refresh)
    _revoke(token)
    # Read now, not copied from the old token: the new access token carries current claims.
    user = user_get(user_id=token.get("id"))
    if user is None:
        raise Unauthenticated("The user of this refresh token no longer exists")
    return token_pair_issue(user=user)


@transaction.atomic
def token_blacklist(*, refresh: str) -> None:
    """Revoke a refresh token (log out): refreshing with it fails from now on."""
    _revoke(_verified_refresh_token(refresh))


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
