"""Both tables in one database: what the two subgraphs split apart, joined by a foreign key."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone


class User(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField(max_length=255, unique=True)
    password = models.CharField(max_length=128)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.email


class Post(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Indexed as the first column of the (user_id, title, id) listing index below.
    author = models.ForeignKey(
        User, on_delete=models.CASCADE, db_column="user_id", db_index=False, related_name="posts"
    )
    title = models.CharField(max_length=100)
    description = models.TextField(null=True, blank=True)  # noqa: DJ001 (as in the posts subgraph)
    created = models.DateField(auto_now_add=True)

    class Meta:
        # The posts subgraph's indexes: one owner's posts, and every post, in listing order.
        indexes = [
            models.Index(fields=["author", "title", "id"], name="monolith_post_owner_idx"),
            models.Index(fields=["title", "id"], name="monolith_post_listing_idx"),
        ]

    def __str__(self) -> str:
        return self.title
