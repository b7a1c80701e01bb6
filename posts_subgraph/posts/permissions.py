"""Who may read which posts. A post is always private to its owner; staff may list anyone's."""

from __future__ import annotations

import uuid

from subgraph_kit.errors import Forbidden
from subgraph_kit.tokens import Viewer


def ensure_can_list_all_posts(viewer: Viewer) -> None:
    if not viewer.is_staff:
        raise Forbidden("Only staff can list every post")


def ensure_can_list_posts_of(viewer: Viewer, user_id: uuid.UUID) -> None:
    if viewer.user_id != user_id and not viewer.is_staff:
        raise Forbidden("Only the user themself or staff can list a user's posts")
