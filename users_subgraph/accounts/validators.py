"""Password validators Django does not ship."""

from __future__ import annotations

from django.core.exceptions import ValidationError

PASSWORD_MAX_LENGTH = 128


class MaximumLengthValidator:
    """Refuse passwords longer than `max_length` characters (hashing cost stays bounded)."""

    def __init__(self, max_length: int = PASSWORD_MAX_LENGTH) -> None:
        self.max_length = max_length

    def validate(self, password: str, user: object = None) -> None:
        if len(password) > self.max_length:
            raise ValidationError(
                f"This password is too long. It must contain at most {self.max_length} characters.",
                code="password_too_long",
                params={"max_length": self.max_length},
            )

    def get_help_text(self) -> str:
        return f"Your password must contain at most {self.max_length} characters."


class NotOnlyWhitespaceValidator:
    """Refuse passwords of whitespace only: `"        "` passes every length rule, yet anyone
    who tries blank passwords guesses it."""

    def validate(self, password: str, user: object = None) -> None:
        if not password.strip():
            raise ValidationError(
                "This password is only whitespace. It must contain other characters too.",
                code="password_only_whitespace",
            )

    def get_help_text(self) -> str:
        return "Your password must contain characters other than whitespace."
