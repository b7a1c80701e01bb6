"""The user model: identified by a UUID, logging in with an email address."""

from __future__ import annotations

import uuid
from contextlib import suppress

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.encoding import punycode

from subgraph_kit.models import RateLimitCounterBase

EMAIL_MAX_LENGTH = 255
DUPLICATE_EMAIL_MESSAGE = "There is already a registered user with this email"


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    @classmethod
    def normalize_email(cls, email: str | None) -> str:
        """The stored form of an address: trimmed, lowercased as a whole, its domain in ASCII.

        Django lowercases only the domain, since RFC 5321 lets a mail server treat `A@x.io` and
        `a@x.io` as two mailboxes. In practice none does, and two accounts whose addresses differ
        only in case would let one person pose as another: one address, one account. Storing the
        lowercased form lets the unique index itself match addresses case-insensitively.

        An international domain name has two spellings, `bücher.example` and its IDNA (punycode)
        form `xn--bcher-kva.example`, for one mailbox: the ASCII form is stored, which every mail
        server accepts and Django's EmailValidator checks the same way. The local part is kept as
        typed (lowercased), non-ASCII characters included. A domain IDNA refuses is left as it is,
        for validation to reject.
        """
        local_part, at, domain = (email or "").strip().lower().rpartition("@")
        if not at:
            return domain
        with suppress(UnicodeError):
            domain = punycode(domain)
        return f"{local_part}@{domain}"

    def get_by_natural_key(self, username: str) -> User:
        return self.get(email=self.normalize_email(username))

    async def aget_by_natural_key(self, username: str) -> User:
        return await self.aget(email=self.normalize_email(username))

    def create_user(self, email: str, password: str | None = None, **extra_fields: object) -> User:
        if not email:
            raise ValueError("A user needs an email address")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(
        self, email: str, password: str | None = None, **extra_fields: object
    ) -> User:
        if not password:
            raise ValueError("A superuser needs a password")
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        if extra_fields["is_staff"] is not True or extra_fields["is_superuser"] is not True:
            raise ValueError("A superuser must have is_staff=True and is_superuser=True")
        return self.create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField(
        "email address",
        max_length=EMAIL_MAX_LENGTH,
        unique=True,
        error_messages={"unique": DUPLICATE_EMAIL_MESSAGE},
    )
    is_active = models.BooleanField(
        "active",
        default=True,
        help_text="Inactive users cannot log in, and no token is issued or refreshed for them.",
    )
    # False until the owner proves the address (verifyEmail, resetPassword); signup sets it when
    # ACCOUNT_EMAIL_VERIFICATION is `none`. Rows written before keep their value.
    is_verified = models.BooleanField(
        "verified",
        default=False,
        help_text=(
            "Whether the owner has proved the email address is theirs. With "
            "ACCOUNT_EMAIL_VERIFICATION=mandatory, unverified users (superusers excepted) cannot "
            "log in."
        ),
    )
    is_staff = models.BooleanField(
        "staff status",
        default=False,
        help_text="Staff can log into this admin site and read every user's email.",
    )
    date_joined = models.DateTimeField("date joined", default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        db_table = "user"
        verbose_name = "user"
        verbose_name_plural = "users"
        constraints = [
            # With `unique=True` above, this makes the database itself refuse two addresses that
            # differ only in case, whatever code path writes them.
            models.CheckConstraint(
                condition=models.Q(email=Lower("email")), name="user_email_is_lowercase"
            ),
        ]

    def __str__(self) -> str:
        return self.email

    def clean(self) -> None:
        super().clean()
        self.email = User.objects.normalize_email(self.email)


class RateLimitCounter(RateLimitCounterBase):
    """The users service's rate-limit counters (subgraph_kit.rate_limits)."""

    class Meta(RateLimitCounterBase.Meta):
        pass
