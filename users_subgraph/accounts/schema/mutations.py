"""Mutations of the users subgraph: thin wrappers around accounts.services."""

from __future__ import annotations

import strawberry
from asgiref.sync import sync_to_async

from accounts import services
from accounts.schema.context import UsersInfo
from accounts.schema.types import UserType


@strawberry.input
class SignupInput:
    email: str
    password: str


@strawberry.input
class LoginInput:
    email: str
    password: str


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
    @strawberry.mutation(description="Register, and receive a token pair.")
    async def signup(self, info: UsersInfo, input: SignupInput) -> AuthPayload:
        authentication = await sync_to_async(services.user_signup)(
            email=input.email, password=input.password
        )
        return _auth_payload(info, authentication)

    @strawberry.mutation(description="Check credentials, and receive a token pair.")
    async def login(self, info: UsersInfo, input: LoginInput) -> AuthPayload:
        authentication = await sync_to_async(services.user_login)(
            email=input.email, password=input.password
        )
        return _auth_payload(info, authentication)

    @strawberry.mutation(
        name="refreshToken",
        description="Exchange a refresh token for a new pair; the old refresh token is revoked.",
    )
    async def refresh_token(self, refresh: str) -> TokenPairPayload:
        tokens = await sync_to_async(services.token_refresh)(refresh=refresh)
        return TokenPairPayload(access=tokens.access, refresh=tokens.refresh)

    @strawberry.mutation(description="Revoke a refresh token; refreshing with it fails afterwards.")
    async def logout(self, refresh: str) -> bool:
        await sync_to_async(services.token_blacklist)(refresh=refresh)
        return True
