"""The scenarios: what each sends, to which process, as whom, and how its answer is checked.

Every scenario runs with one connection per seeded user of its role, each connection with that
user's own access token (or own login), and every answer the harness checks before the load
(`check`) must be the data the scenario claims to fetch.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bench.dataset import PASSWORD, Batch
from bench.load import HttpRequest
from subgraph_kit.router_secret import ROUTER_SECRET_HEADER

MY_POSTS_PAGE = 20
STAFF_PAGE = 100

ME = "query Me { me { email } }"
MY_POSTS = (
    "query MyPosts($first: Int!) "
    "{ myPosts(first: $first) { edges { node { title author { email } } } } }"
)
STAFF_POSTS = (
    "query StaffPosts($first: Int!) "
    "{ posts(first: $first) { edges { node { title author { email } } } } }"
)
CREATE_POST = (
    "mutation CreatePost($input: CreatePostInput!) { createPost(input: $input) { id title } }"
)
LOGIN = (
    "mutation Login($input: LoginInput!) "
    "{ login(input: $input) { access refresh user { id email } } }"
)
# What the router asks each subgraph for in scenario 2, sent to them directly: the breakdown.
MY_POSTS_FROM_POSTS = (
    "query MyPostsPage($first: Int!) "
    "{ myPosts(first: $first) { edges { node { title author { __typename id } } } } }"
)
AUTHORS_FROM_USERS = (
    "query Authors($representations: [_Any!]!) "
    "{ _entities(representations: $representations) { ... on User { email } } }"
)


@dataclass(frozen=True, slots=True)
class Caller:
    """A seeded user and the access token minted for them."""

    index: int
    id: uuid.UUID
    email: str
    access_token: str


@dataclass(frozen=True, slots=True)
class Roles:
    """Which seeded users play which part: `connections` distinct users per role."""

    connections: int

    def users(self, role: str) -> range:
        position = ("staff", "readers", "writers", "logins").index(role)
        return range(position * self.connections, (position + 1) * self.connections)

    @property
    def users_needed(self) -> int:
        return 4 * self.connections


@dataclass(frozen=True)
class Scenario:
    key: str
    label: str
    title: str
    target: str  # "router", "users", "posts" or "monolith": where the requests go
    role: str  # see Roles
    operation: str
    request: Callable[[Caller], HttpRequest]
    # The problem with one decoded answer, or None when it is the data the scenario claims.
    check: Callable[[Caller, Any], str | None]
    # Part of the breakdown of scenario 2 (a subgraph called directly), not a target of its own.
    breakdown: bool = False
    # A floor (bench/floors/): scenario 2a's page with nothing of the project's, measured at the
    # highest concurrency only, reported beside 2a and 2b.
    floor: bool = False
    # Writes run after the reads of each round, so that no write changes what a read measures.
    writes: bool = False
    # Shortest round that still completes enough requests (login: each takes a password hash).
    min_round_s: float = 0.0


def graphql_request(
    query: str,
    variables: dict[str, Any],
    *,
    access_token: str | None,
    router_secret: str | None = None,
) -> HttpRequest:
    headers = {"Content-Type": "application/json"}
    if access_token is not None:
        headers["Authorization"] = f"Bearer {access_token}"
    if router_secret is not None:
        headers[ROUTER_SECRET_HEADER] = router_secret
    body = json.dumps({"query": query, "variables": variables}, separators=(",", ":"))
    return HttpRequest(method="POST", path="/graphql", headers=headers, body=body)


def _data(answer: Any) -> Any:
    if not isinstance(answer, dict) or answer.get("errors") or answer.get("data") is None:
        raise ValueError(f"not a successful GraphQL answer: {str(answer)[:300]}")
    return answer["data"]


def scenarios(*, router_secret: str, batch: Batch) -> list[Scenario]:
    """Every scenario, in the order of the first round (`round_order`): reads first, then the
    writes (createPost, login), so that no write changes the data a read scenario measures."""

    def expected_page(caller: Caller) -> int:
        return min(MY_POSTS_PAGE, batch.post_count_of(caller.index))

    def check_me(caller: Caller, answer: Any) -> str | None:
        email = _data(answer)["me"]["email"]
        return None if email == caller.email else f"me.email is {email!r}, not {caller.email!r}"

    def check_my_posts(caller: Caller, answer: Any) -> str | None:
        edges = _data(answer)["myPosts"]["edges"]
        emails = {edge["node"]["author"]["email"] for edge in edges}
        if len(edges) != expected_page(caller) or emails != {caller.email}:
            return f"expected {expected_page(caller)} posts by {caller.email}, got {answer}"
        return None

    def check_posts_page(caller: Caller, answer: Any) -> str | None:
        edges = _data(answer)["myPosts"]["edges"]
        authors = {edge["node"]["author"]["id"] for edge in edges}
        if len(edges) != expected_page(caller) or authors != {str(caller.id)}:
            return f"expected {expected_page(caller)} posts by {caller.id}, got {answer}"
        return None

    def check_authors(caller: Caller, answer: Any) -> str | None:
        entities = _data(answer)["_entities"]
        if entities != [{"email": caller.email}]:
            return f"expected the entity of {caller.email}, got {entities}"
        return None

    def check_floor_page(caller: Caller, answer: Any) -> str | None:
        edges = _data(answer)["myPosts"]["edges"]
        nodes = [edge["node"] for edge in edges]
        if len(nodes) != MY_POSTS_PAGE or any(
            not node["title"] or node["author"]["__typename"] != "User" or not node["author"]["id"]
            for node in nodes
        ):
            return f"expected {MY_POSTS_PAGE} posts with author stubs, got {answer}"
        return None

    def check_staff_posts(caller: Caller, answer: Any) -> str | None:
        edges = _data(answer)["posts"]["edges"]
        authors = {(edge["node"]["author"] or {}).get("email") for edge in edges}
        expected = min(STAFF_PAGE, batch.end_post)
        if len(edges) != expected or None in authors or len(authors) != expected:
            return f"expected {expected} posts by {expected} distinct authors, got {len(edges)}"
        return None

    def check_create_post(caller: Caller, answer: Any) -> str | None:
        created = _data(answer)["createPost"]
        return None if created["id"] and created["title"] else f"no post created: {answer}"

    def check_login(caller: Caller, answer: Any) -> str | None:
        login = _data(answer)["login"]
        if not login["access"] or login["user"]["email"] != caller.email:
            return f"login as {caller.email} failed: {answer}"
        return None

    def check_monolith(caller: Caller, answer: Any) -> str | None:
        posts = answer["posts"]
        emails = {post["author"]["email"] for post in posts}
        if len(posts) != expected_page(caller) or emails != {caller.email}:
            return f"expected {expected_page(caller)} posts by {caller.email}, got {answer}"
        return None

    page = {"first": MY_POSTS_PAGE}
    return [
        Scenario(
            key="me-router",
            label="1 me (router)",
            title="`me { email }` through the router",
            target="router",
            role="readers",
            operation=ME,
            request=lambda caller: graphql_request(ME, {}, access_token=caller.access_token),
            check=check_me,
        ),
        Scenario(
            key="me-users",
            label="1 me (users direct)",
            title="`me { email }` sent directly to the users subgraph",
            target="users",
            role="readers",
            operation=ME,
            request=lambda caller: graphql_request(
                ME, {}, access_token=caller.access_token, router_secret=router_secret
            ),
            check=check_me,
        ),
        Scenario(
            key="my-posts-router",
            label="2 myPosts (router)",
            title="`myPosts(first: 20)` with each author's email, through the router",
            target="router",
            role="readers",
            operation=MY_POSTS,
            request=lambda caller: graphql_request(
                MY_POSTS, page, access_token=caller.access_token
            ),
            check=check_my_posts,
        ),
        Scenario(
            key="my-posts-posts",
            label="2a posts page (posts direct)",
            title="Scenario 2's call to the posts subgraph, sent directly",
            target="posts",
            role="readers",
            operation=MY_POSTS_FROM_POSTS,
            request=lambda caller: graphql_request(
                MY_POSTS_FROM_POSTS,
                page,
                access_token=caller.access_token,
                router_secret=router_secret,
            ),
            check=check_posts_page,
            breakdown=True,
        ),
        Scenario(
            key="my-posts-users",
            label="2b _entities (users direct)",
            title="Scenario 2's `_entities` call to the users subgraph, sent directly",
            target="users",
            role="readers",
            operation=AUTHORS_FROM_USERS,
            request=lambda caller: graphql_request(
                AUTHORS_FROM_USERS,
                {"representations": [{"__typename": "User", "id": str(caller.id)}]},
                access_token=caller.access_token,
                router_secret=router_secret,
            ),
            check=check_authors,
            breakdown=True,
        ),
        Scenario(
            key="floor-django-view",
            label="floor: async Django JSON view",
            title="Scenario 2a's page from a plain async Django view, no database, no project code",
            target="floor-django",
            role="readers",
            operation=f"GET /my-posts?first={MY_POSTS_PAGE}",
            request=lambda caller: HttpRequest(
                method="GET", path=f"/my-posts?first={MY_POSTS_PAGE}", headers={}
            ),
            check=check_floor_page,
            floor=True,
        ),
        Scenario(
            key="floor-strawberry-asgi",
            label="floor: Strawberry bare ASGI",
            title="Scenario 2a's query on Strawberry's bare ASGI app, parser and validation caches",
            target="floor-strawberry",
            role="readers",
            operation=MY_POSTS_FROM_POSTS,
            request=lambda caller: graphql_request(MY_POSTS_FROM_POSTS, page, access_token=None),
            check=check_floor_page,
            floor=True,
        ),
        Scenario(
            key="floor-strawberry-django",
            label="floor: Strawberry AsyncGraphQLView",
            title="The same schema through strawberry.django.views.AsyncGraphQLView",
            target="floor-django",
            role="readers",
            operation=MY_POSTS_FROM_POSTS,
            request=lambda caller: graphql_request(MY_POSTS_FROM_POSTS, page, access_token=None),
            check=check_floor_page,
            floor=True,
        ),
        Scenario(
            key="staff-posts-router",
            label="3 staff posts (router)",
            title="Staff `posts(first: 100)` over 100 distinct authors, through the router",
            target="router",
            role="staff",
            operation=STAFF_POSTS,
            request=lambda caller: graphql_request(
                STAFF_POSTS, {"first": STAFF_PAGE}, access_token=caller.access_token
            ),
            check=check_staff_posts,
        ),
        Scenario(
            key="monolith",
            label="6 baseline (monolith)",
            title="Baseline: the monolith's JSON view of scenario 2 (one SQL join)",
            target="monolith",
            role="readers",
            operation=f"GET /my-posts?first={MY_POSTS_PAGE}",
            request=lambda caller: HttpRequest(
                method="GET",
                path=f"/my-posts?first={MY_POSTS_PAGE}",
                headers={"Authorization": f"Bearer {caller.access_token}"},
            ),
            check=check_monolith,
        ),
        Scenario(
            key="create-post-router",
            label="4 createPost (router)",
            title="`createPost` through the router",
            target="router",
            role="writers",
            operation=CREATE_POST,
            # "Written ..." sorts after the seeded "Post ..." titles: the staff listing's first
            # page (scenario 3, run again on the grown data set) stays the seeded posts.
            request=lambda caller: graphql_request(
                CREATE_POST,
                {"input": {"title": "Written by the benchmark", "description": "A new post."}},
                access_token=caller.access_token,
            ),
            check=check_create_post,
            writes=True,
        ),
        Scenario(
            key="login-router",
            label="5 login (router)",
            title="`login` through the router (Argon2 password hashing)",
            target="router",
            role="logins",
            operation=LOGIN,
            request=lambda caller: graphql_request(
                LOGIN,
                {"input": {"email": caller.email, "password": PASSWORD}},
                access_token=None,
            ),
            check=check_login,
            min_round_s=5.0,
            writes=True,
        ),
    ]


def round_order(scenarios: list[Scenario], round_index: int) -> list[Scenario]:
    """The order of one round: every scenario once, the reads rotated by one place per round (so
    none always runs first, or always right after another), then the writes in their order."""
    reads = [scenario for scenario in scenarios if not scenario.writes]
    writes = [scenario for scenario in scenarios if scenario.writes]
    shift = round_index % len(reads) if reads else 0
    return reads[shift:] + reads[:shift] + writes
