"""Mutations of the users subgraph: thin wrappers around accounts.services."""

from __future__ import annotations

import strawberry
from asgiref.sync import sync_to_async

from accounts import services
from accounts.schema.context import UsersInfo
from accounts.schema.types import UserType
from subgraph_kit.client_address import client_address

RATE_LIMITED_NOTE = (
    "over the limit, the error is RATE_LIMITED with `extensions.retryAfter` seconds."
)
EMAIL_NOT_VERIFIED_NOTE = (
    "When the server requires verified addresses (ACCOUNT_EMAIL_VERIFICATION=mandatory), an "
    "unverified account gets EMAIL_NOT_VERIFIED instead of tokens."
)


@strawberry.input
class SignupInput:
    email: str
    password: str


@strawberry.input
class LoginInput:
    email: str
    password: str


@strawberry.input
class ChangePasswordInput:
    old_password: str
    new_password: str


@strawberry.type
class AuthPayload:
    access: str
    refresh: str
    user: UserType


@strawberry.type(name="TokenPair")
class TokenPairPayload:
    access: str
    refresh: str


def _auth_payload(info: UsersInfo, authentication: services.Authentication) -> AuthPayload:
    # The user who has just authenticated is the viewer of the payload: `user { email }` works.
    info.context.authenticate_as(authentication.user)
    return AuthPayload(
        access=authentication.tokens.access,
        refresh=authentication.tokens.refresh,
        user=authentication.user,  # type: ignore[arg-type]
    )


@strawberry.type
class Mutation:
    # Every call counts against the rate limits, so each alias of a batched operation does too.
    @strawberry.mutation(
        description=(
            "Register, and receive a token pair; a verification link is mailed unless the "
            "server does not verify addresses. Rate limited per client and per email: "
            f"{RATE_LIMITED_NOTE} When the server requires verified addresses "
            "(ACCOUNT_EMAIL_VERIFICATION=mandatory), the account is created and the link sent, "
            "and the answer is EMAIL_NOT_VERIFIED instead of tokens."
        )
    )
    async def signup(self, info: UsersInfo, input: SignupInput) -> AuthPayload:
        authentication = await sync_to_async(services.user_signup)(
            email=input.email,
            password=input.password,
            client_address=client_address(info.context.request),
        )
        return _auth_payload(info, authentication)

    @strawberry.mutation(
        description=(
            "Check credentials, and receive a token pair. Rate limited per client and, for "
            f"failures, per email: {RATE_LIMITED_NOTE} {EMAIL_NOT_VERIFIED_NOTE}"
        )
    )
    async def login(self, info: UsersInfo, input: LoginInput) -> AuthPayload:
        authentication = await sync_to_async(services.user_login)(
            email=input.email,
            password=input.password,
            client_address=client_address(info.context.request),
        )
        return _auth_payload(info, authentication)

    @strawberry.mutation(
        name="refreshToken",
        description=(
            "Exchange a refresh token for a new pair; the old refresh token is revoked. "
            f"Rate limited per client: {RATE_LIMITED_NOTE} {EMAIL_NOT_VERIFIED_NOTE}"
        ),
    )
    async def refresh_token(self, info: UsersInfo, refresh: str) -> TokenPairPayload:
        tokens = await sync_to_async(services.token_refresh)(
            refresh=refresh, client_address=client_address(info.context.request)
        )
        return TokenPairPayload(access=tokens.access, refresh=tokens.refresh)

    @strawberry.mutation(description="Revoke a refresh token; refreshing with it fails afterwards.")
    async def logout(self, refresh: str) -> bool:
        await sync_to_async(services.token_blacklist)(refresh=refresh)
        return True

    @strawberry.mutation(
        description=(
            "Revoke every refresh token of the viewer: log out on all devices. Access tokens "
            "already issued stay valid until they expire."
        )
    )
    async def logout_all(self, info: UsersInfo) -> bool:
        viewer = await info.context.require_viewer()
        await sync_to_async(services.token_blacklist_all)(user_id=viewer.user_id)
        return True

    @strawberry.mutation(
        description=(
            "Change the viewer's password. Every refresh token of the viewer is revoked (all "
            "devices) and a new pair is returned for this one. A wrong old password is "
            "BAD_USER_INPUT and counts as a failed login (see `login`)."
        )
    )
    async def change_password(self, info: UsersInfo, input: ChangePasswordInput) -> AuthPayload:
        viewer = await info.context.require_viewer()
        authentication = await sync_to_async(services.user_password_change)(
            user_id=viewer.user_id,
            current_password=input.old_password,
            new_password=input.new_password,
            client_address=client_address(info.context.request),
        )
        return _auth_payload(info, authentication)

    @strawberry.mutation(
        description=(
            "Verify an account's email address with the token of the mailed link "
            "(`/verify-email?token=...`). true on success; an invalid, used or expired token is "
            "BAD_USER_INPUT."
        )
    )
    async def verify_email(self, token: str) -> bool:
        await sync_to_async(services.email_verify)(token=token)
        return True

    @strawberry.mutation(
        description=(
            "Send a new verification link to this address. Always true, whether the address "
            "belongs to an unverified account, a verified one or none (only the first gets a "
            "message). Rate limited per client and per email: "
            f"{RATE_LIMITED_NOTE}"
        )
    )
    async def resend_verification_email(self, info: UsersInfo, email: str) -> bool:
        await sync_to_async(services.verification_email_request)(
            email=email, client_address=client_address(info.context.request)
        )
        return True

    @strawberry.mutation(
        description=(
            "Send a password reset link (`/reset-password?token=...`) to this address. Always "
            "true, in the same time, whether an account has the address or not. Rate limited per "
            f"client and per email: {RATE_LIMITED_NOTE}"
        )
    )
    async def request_password_reset(self, info: UsersInfo, email: str) -> bool:
        await sync_to_async(services.password_reset_request)(
            email=email, client_address=client_address(info.context.request)
        )
        return True

    @strawberry.mutation(
        description=(
            "Set a new password with the token of the mailed reset link; the password follows "
            "signup's rules (BAD_USER_INPUT otherwise). Every refresh token of the account is "
            "revoked and a new pair returned; the address counts as verified. A token works once "
            "and dies when the password changes; an invalid one is BAD_USER_INPUT."
        )
    )
    async def reset_password(self, info: UsersInfo, token: str, new_password: str) -> AuthPayload:
        authentication = await sync_to_async(services.password_reset)(
            token=token, new_password=new_password
        )
        return _auth_payload(info, authentication)

    @strawberry.mutation(
        description=(
            "Delete the viewer's account, given its password. Its posts disappear from every "
            "query at once and are deleted in the background; every refresh token is revoked. A "
            "wrong password is BAD_USER_INPUT and counts as a failed login (see `login`). "
            "Repeated after success: UNAUTHENTICATED, the account no longer exists."
        )
    )
    async def delete_account(self, info: UsersInfo, password: str) -> bool:
        viewer = await info.context.require_viewer()
        await sync_to_async(services.user_delete)(
            user_id=viewer.user_id,
            password=password,
            client_address=client_address(info.context.request),
        )
        return True
