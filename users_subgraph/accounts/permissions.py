"""Who may read what about a user."""

from __future__ import annotations

from accounts.models import User
from subgraph_kit.tokens import Viewer


def can_read_email(*, viewer: Viewer | None, user: User) -> bool:
    """A user's email is readable by the user themself and by staff, by nobody else."""
    return viewer is not None and (viewer.user_id == user.id or viewer.is_staff)
