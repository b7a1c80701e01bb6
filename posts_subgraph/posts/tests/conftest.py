"""Fixtures shared by the posts tests: a test key pair, users with real tokens, posts."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from posts.models import Post
from subgraph_kit.keys import generate_private_key_pem, public_key_pem
from subgraph_kit.testing import (
    SubgraphClient,
    execute_graphql,
    mint_token,
    subgraph_client,  # noqa: F401 (the `client` fixture)
)


@pytest.fixture(scope="session")
def signing_key() -> str:
    """The private key the test 'users service' signs tokens with (one per test session)."""
    return generate_private_key_pem()


@pytest.fixture(autouse=True)
def verify_with_test_key(settings: Any, signing_key: str) -> None:
    """Verify RS256 tokens with the test key, whatever a developer's `.env` says."""
    settings.JWT_VERIFICATION = {
        "algorithm": "RS256",
        "issuer": "users-subgraph",
        "audience": "federated-api",
        "public_key": public_key_pem(signing_key),
        "jwks_url": None,
        "secret_key": None,
        "leeway_seconds": 0.0,
    }


@dataclass(frozen=True)
class Person:
    """A user of the users service, as this subgraph knows them: an id inside a token."""

    user_id: uuid.UUID
    access_token: str

    @property
    def id(self) -> str:
        return str(self.user_id)


@pytest.fixture
def make_person(signing_key: str) -> Callable[..., Person]:
    def make(*, is_staff: bool = False) -> Person:
        user_id = uuid.uuid4()
        token = mint_token(signing_key=signing_key, user_id=user_id, is_staff=is_staff)
        return Person(user_id=user_id, access_token=token)

    return make


@pytest.fixture
def alice(make_person: Callable[..., Person]) -> Person:
    return make_person()


@pytest.fixture
def bob(make_person: Callable[..., Person]) -> Person:
    return make_person()


@pytest.fixture
def staff(make_person: Callable[..., Person]) -> Person:
    return make_person(is_staff=True)


@pytest.fixture
def make_post(db: None) -> Callable[..., Post]:
    def make(
        owner: Person | uuid.UUID, title: str = "A post", description: str | None = None
    ) -> Post:
        user_id = owner.user_id if isinstance(owner, Person) else owner
        return Post.objects.create(user_id=user_id, title=title, description=description)

    return make


@pytest.fixture
def graphql(client: SubgraphClient, db: None) -> Callable[..., dict[str, Any]]:
    """POST an operation to /graphql through the real endpoint, as `as_person` (or anonymously)."""

    def call(
        query: str, variables: dict[str, Any] | None = None, *, as_person: Person | None = None
    ) -> dict[str, Any]:
        token = as_person.access_token if as_person else None
        return execute_graphql(client, query, variables, access_token=token)

    return call
