"""The data set: deterministic users and posts, bulk-loaded (COPY) into the three databases.

The users subgraph's database gets the users (one Argon2 hash, computed once by the users service
itself, shared by every row), the posts subgraph's database the posts, and the monolith's database
both, the same rows. Ids are derived from row numbers, so every run loads the same data.

Layout: the posts of a batch are dealt out to the batch's users in turn, and titles sort like post
numbers. So the first 100 posts of the staff listing have 100 distinct authors (scenario 3), and
each user owns posts/users posts (20 by default: a full `myPosts(first: 20)` page). A larger data
set (`--scale`) adds a second batch of new users and their posts: the first batch's users keep
exactly the posts they had.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import psycopg

ID_NAMESPACE = uuid.UUID("6f1c1c0e-5b7a-4a83-9d1e-2f4b8a6c0b11")
PASSWORD = "benchmark password, not a real one"  # noqa: S105 (every seeded user's password)
DESCRIPTION = "A post seeded by the benchmark, with a description of ordinary length."


def user_id(index: int) -> uuid.UUID:
    return uuid.uuid5(ID_NAMESPACE, f"user-{index}")


def user_email(index: int) -> str:
    return f"user{index:07d}@bench.example.com"


def post_id(index: int) -> uuid.UUID:
    return uuid.uuid5(ID_NAMESPACE, f"post-{index}")


def post_title(index: int) -> str:
    return f"Post {index:08d}"


@dataclass(frozen=True, slots=True)
class Batch:
    """Users [first_user, end_user) and posts [first_post, end_post), the posts dealt out to
    the batch's users in turn."""

    first_user: int
    end_user: int
    first_post: int
    end_post: int

    def users(self) -> range:
        return range(self.first_user, self.end_user)

    def post_count_of(self, user_index: int) -> int:
        """How many of the batch's posts the user owns (none outside the batch)."""
        if user_index not in self.users():
            return 0
        user_count, post_count = len(self.users()), self.end_post - self.first_post
        offset = user_index - self.first_user
        return post_count // user_count + (1 if offset < post_count % user_count else 0)

    def posts(self) -> Iterator[tuple[int, int]]:
        """(post index, owner index) pairs."""
        user_count = self.end_user - self.first_user
        for index in range(self.first_post, self.end_post):
            yield index, self.first_user + (index - self.first_post) % user_count


@dataclass(frozen=True, slots=True)
class DatabaseUrls:
    users: str
    posts: str
    monolith: str


class Seeder:
    def __init__(self, urls: DatabaseUrls, *, password_hash: str, staff_users: range) -> None:
        self.urls = urls
        self.password_hash = password_hash
        self.staff_users = staff_users
        self.now = dt.datetime.now(tz=dt.UTC)

    def load(self, batch: Batch) -> None:
        """COPY the batch into every database, then refresh the planner's statistics."""
        with psycopg.connect(self.urls.users) as connection:
            self._copy(
                connection,
                'COPY "user" (id, password, is_superuser, email, is_active, is_verified, '
                "is_staff, date_joined) FROM STDIN",
                (
                    (
                        user_id(i),
                        self.password_hash,
                        False,
                        user_email(i),
                        True,
                        True,
                        i in self.staff_users,
                        self.now,
                    )
                    for i in batch.users()
                ),
            )
        with psycopg.connect(self.urls.posts) as connection:
            self._copy(
                connection,
                "COPY posts_post (id, user_id, title, description, created) FROM STDIN",
                self._post_rows(batch),
            )
        with psycopg.connect(self.urls.monolith) as connection:
            self._copy(
                connection,
                "COPY monolith_user (id, email, password, is_active, is_staff, date_joined) "
                "FROM STDIN",
                (
                    (
                        user_id(i),
                        user_email(i),
                        self.password_hash,
                        True,
                        i in self.staff_users,
                        self.now,
                    )
                    for i in batch.users()
                ),
            )
            self._copy(
                connection,
                "COPY monolith_post (id, user_id, title, description, created) FROM STDIN",
                self._post_rows(batch),
            )
        for url in (self.urls.users, self.urls.posts, self.urls.monolith):
            with psycopg.connect(url, autocommit=True) as connection:
                connection.execute("VACUUM ANALYZE")

    def _post_rows(self, batch: Batch) -> Iterator[tuple[object, ...]]:
        today = self.now.date()
        for index, owner in batch.posts():
            yield post_id(index), user_id(owner), post_title(index), DESCRIPTION, today

    @staticmethod
    def _copy(
        connection: psycopg.Connection, statement: str, rows: Iterator[tuple[object, ...]]
    ) -> None:
        with connection.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)
