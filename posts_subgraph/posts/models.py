"""The post model: owned by a user of the users service, referenced by id only; and the
tombstones of users the users service has deleted, whose posts no query returns."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import BooleanField, Expression, F
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual

from subgraph_kit.models import RateLimitCounterBase

TITLE_MAX_LENGTH = 100
# Bounds what one post can store (and what a page of posts weighs); documented in the schema.
DESCRIPTION_MAX_LENGTH = 10_000


class DeletedUser(models.Model):
    """A user deleted in the users service (deleteAccount): their posts are hidden from every
    query from the moment this row exists, and deleted in batches (posts.services).

    Kept after the purge: a post the user's still-valid access token created meanwhile stays
    hidden, and a repeated purge request finds the user already recorded.
    """

    user_id = models.UUIDField(primary_key=True)
    deleted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "deleted_user"

    def __str__(self) -> str:
        return str(self.user_id)


class AuthorNotDeleted(Expression):
    """`NOT EXISTS (SELECT 1 FROM deleted_user WHERE user_id = <the post's user_id>)`.

    The anti-join `~Exists(DeletedUser.objects.filter(user_id=OuterRef("user_id")))` writes, as a
    fixed fragment: Django resolves an `Exists` by cloning its subquery and renaming its aliases
    in every query that uses it: 0.3 of the 0.58 ms it took to build a page's query. Only the
    post's column is compiled, so it names the post table by whatever alias the query gives it
    (a nested query's `U0` too).
    """

    conditional = True

    def __init__(self) -> None:
        super().__init__(output_field=BooleanField())
        self.user_id: F | Expression = F("user_id")

    def get_source_expressions(self) -> list[F | Expression]:
        return [self.user_id]

    def set_source_expressions(self, expressions: list[F | Expression]) -> None:
        (self.user_id,) = expressions

    def as_sql(self, compiler, connection) -> tuple[str, list]:
        column, params = compiler.compile(self.user_id)
        table = connection.ops.quote_name(DeletedUser._meta.db_table)
        key = connection.ops.quote_name(DeletedUser._meta.pk.column)
        # Identifiers from the models and the compiled column; its values stay parameters.
        sql = f"NOT EXISTS (SELECT 1 FROM {table} tombstone WHERE tombstone.{key} = {column})"  # noqa: S608
        return sql, list(params)


class PostQuerySet(models.QuerySet["Post"]):
    def of_live_authors(self) -> PostQuerySet:
        """Without the posts of deleted users: an anti-join, in the same query."""
        return self.filter(AuthorNotDeleted())


class VisiblePostManager(models.Manager["Post"]):
    def get_queryset(self) -> PostQuerySet:
        return PostQuerySet(self.model, using=self._db).of_live_authors()


class Post(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # The owner's id in the users service: a plain column, since no foreign key can span two
    # services' databases. Indexed as the first column of the (user_id, title, id) index.
    user_id = models.UUIDField()
    title = models.CharField(max_length=TITLE_MAX_LENGTH)
    # Null is "no description" in the API, distinct from an empty string a client sent.
    description = models.TextField(null=True, blank=True)  # noqa: DJ001
    created = models.DateField(auto_now_add=True)

    # The default manager, so every read and write path (GraphQL, admin) skips deleted users'
    # posts; only their purge (posts.services) reaches them, through `including_deleted_authors`.
    objects = VisiblePostManager()
    including_deleted_authors = PostQuerySet.as_manager()

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
