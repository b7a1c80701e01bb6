"""Reads and writes straight to the posts service's database, beside the running service: how
many posts a user still has, and many posts at once (faster than creating them one by one)."""

from __future__ import annotations

import sqlite3
import uuid
from urllib.parse import urlsplit

from tests.support.stack import Stack


def _connect(stack: Stack):
    url = stack.services["posts"].env["DATABASE_URL"]
    if url.startswith("sqlite:///"):
        return sqlite3.connect(urlsplit(url).path, timeout=30), "?", lambda user_id: user_id.hex
    import psycopg

    return psycopg.connect(url, autocommit=True), "%s", str


def stored_post_count(stack: Stack, user_id: uuid.UUID) -> int:
    """The user's rows in posts' table, hidden or not."""
    connection, marker, stored = _connect(stack)
    try:
        cursor = connection.execute(
            f"SELECT COUNT(*) FROM posts_post WHERE user_id = {marker}",  # noqa: S608
            (stored(user_id),),
        )
        return cursor.fetchone()[0]
    finally:
        connection.close()


def insert_posts(stack: Stack, user_id: uuid.UUID, count: int) -> None:
    connection, marker, stored = _connect(stack)
    rows = [
        (stored(uuid.uuid4()), stored(user_id), f"Post {number:06d}") for number in range(count)
    ]
    try:
        with connection:
            cursor = connection.cursor()
            cursor.executemany(
                "INSERT INTO posts_post (id, user_id, title, created) "  # noqa: S608
                f"VALUES ({marker}, {marker}, {marker}, CURRENT_DATE)",
                rows,
            )
    finally:
        connection.close()
