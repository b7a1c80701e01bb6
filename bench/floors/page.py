"""The page every floor returns: 20 posts of one author, titled as the seeded posts are."""

from __future__ import annotations

import uuid

PAGE_SIZE = 20
AUTHOR_ID = str(uuid.UUID("0b5f4c3e-8d2a-4f61-9a47-3c1e2d5b7a90"))
# (title, author id) of each post, in listing order.
POSTS = tuple((f"Post {index:08d}", AUTHOR_ID) for index in range(PAGE_SIZE))


def page_size(first: int) -> int:
    """`first`, within the bounds the posts subgraph accepts (1 to 100)."""
    return max(1, min(first, 100))
