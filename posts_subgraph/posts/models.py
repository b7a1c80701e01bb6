"""The post model: owned by a user of the users service, referenced by id only."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual

from subgraph_kit.models import RateLimitCounterBase

TITLE_MAX_LENGTH = 100
# Bounds what one post can store (and what a page of posts weighs); documented in the schema.
DESCRIPTION_MAX_LENGTH = 10_000


class Post(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # The owner's id in the users service: a plain column, since no foreign key can span two
    # services' databases. Indexed as the first column of the (user_id, title, id) index.
    user_id = models.UUIDField()
    title = models.CharField(max_length=TITLE_MAX_LENGTH)
    # Null is "no description" in the API, distinct from an empty string a client sent.
    description = models.TextField(null=True, blank=True)  # noqa: DJ001
    created = models.DateField(auto_now_add=True)

    class Meta:
        # `id` breaks ties between equal titles, so pages never repeat or skip a post.
        ordering = ["title", "id"]
        indexes = [
            # One owner's posts in listing order: `myPosts` and `User.posts` read a range of it.
            models.Index(fields=["user_id", "title", "id"], name="post_owner_listing_idx"),
            # Every post in listing order: the staff listing.
            models.Index(fields=["title", "id"], name="post_listing_idx"),
        ]
        constraints = [
            # The database itself refuses a longer description, whatever code path writes it.
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("description"), DESCRIPTION_MAX_LENGTH),
                name="post_description_max_length",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class RateLimitCounter(RateLimitCounterBase):
    """The posts service's rate-limit counters (subgraph_kit.rate_limits)."""

    class Meta(RateLimitCounterBase.Meta):
        pass
