"""Keyset (seek) pagination of posts in listing order: `title`, then `id`.

A page is the posts after a position, read as `first + 1` rows (the extra row says whether
another page follows): one query whatever the page size, and an index range scan however deep the
page (an OFFSET would read and discard every earlier row, and shift when posts are added or
removed between requests). The list's total is not part of a page: counting reads every row of
the list, so it runs only when a query selects it (see `PostConnection.total_count`).

Cursors are opaque to clients: base64url (unpadded) of the JSON `[title, id]` of a page's row.
Pagination only moves forward, so `hasPreviousPage` means "this page came after a cursor".
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q

from posts.models import Post
from subgraph_kit.errors import BadUserInput
from subgraph_kit.pagination import page_size

# The order cursors encode; Post.Meta.ordering and the listing indexes follow it too.
LISTING_ORDER = ("title", "id")


@dataclass(frozen=True, slots=True)
class Position:
    """Where a page ends: the listing order's key of its last post."""

    title: str
    id: uuid.UUID

    @classmethod
    def of(cls, post: Post) -> Position:
        return cls(title=post.title, id=post.id)


@dataclass(frozen=True, slots=True)
class PageRequest:
    """A validated `first`/`after` pair (hashable: DataLoaders key batches by it)."""

    first: int
    after: Position | None

    @classmethod
    def parse(cls, *, first: int | None, after: str | None) -> PageRequest:
        """Validate client arguments; an explicit `first: null` means the default page size."""
        return cls(first=page_size(first), after=None if after is None else decode_cursor(after))


@dataclass(frozen=True, slots=True)
class Page:
    posts: list[Post]
    has_next_page: bool
    has_previous_page: bool


def encode_cursor(position: Position) -> str:
    payload = json.dumps([position.title, str(position.id)], ensure_ascii=False)
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> Position:
    """The position a cursor encodes; anything this module did not produce is BAD_USER_INPUT."""
    try:
        payload = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        title, post_id = json.loads(payload.decode())
        position = Position(title=title, id=uuid.UUID(post_id))
    except (binascii.Error, UnicodeDecodeError, ValueError, TypeError, AttributeError):
        raise BadUserInput("Invalid cursor") from None
    # Only the exact encoding round-trips: rejects other types, padding and stray characters.
    if not isinstance(title, str) or encode_cursor(position) != cursor:
        raise BadUserInput("Invalid cursor")
    return position


def after_position(*, title: object, id: object) -> Q:
    """Rows strictly after the position (`title`, `id`) in listing order: values, or
    expressions standing for them (subgraph_kit.compiled_queries)."""
    # (title, id) > (t, i), spelled so that the leading `title >= t` bounds an index range scan.
    return Q(title__gte=title) & (Q(title__gt=title) | Q(title=title, id__gt=id))


def page_from_rows(rows: Iterable[Post], request: PageRequest) -> Page:
    """A page from up to `first + 1` rows read after the request's position."""
    posts = list(rows)
    return Page(
        posts=posts[: request.first],
        has_next_page=len(posts) > request.first,
        has_previous_page=request.after is not None,
    )
