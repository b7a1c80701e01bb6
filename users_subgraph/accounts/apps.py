from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Connects the purge of a deleted user's posts to every deletion of a user.
        from accounts import signals  # noqa: F401
