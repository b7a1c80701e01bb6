"""Client-facing errors shared by every subgraph.

Services raise these; Strawberry turns them into GraphQL errors whose `extensions.code` clients
branch on. Anything else escaping a resolver is a bug: masked for clients, logged with a traceback.
"""

from __future__ import annotations

import uuid
from typing import ClassVar


class ClientError(Exception):
    """An expected error caused by the request, reported to the client as it is."""

    code: ClassVar[str] = "BAD_REQUEST"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
        # graphql-core copies `extensions` from the original exception into the GraphQL error.
        self.extensions = {"code": self.code}


class Unauthenticated(ClientError):
    code = "UNAUTHENTICATED"


class Forbidden(ClientError):
    code = "FORBIDDEN"


class BadUserInput(ClientError):
    code = "BAD_USER_INPUT"


class NotFound(ClientError):
    code = "NOT_FOUND"


class RateLimited(ClientError):
    """Too many attempts: the client may try again after `extensions.retryAfter` seconds."""

    code = "RATE_LIMITED"

    def __init__(self, message: str, *, retry_after_seconds: int) -> None:
        super().__init__(message)
        self.retry_after_seconds = retry_after_seconds
        self.extensions["retryAfter"] = retry_after_seconds


def parse_uuid(value: object, *, field: str) -> uuid.UUID:
    """Parse an id sent by a client (argument or entity representation) or raise BAD_USER_INPUT."""
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        raise BadUserInput(f"{field} must be a UUID") from None
