"""Models the services share, as abstract bases: each service's table lives in its own database,
created by its own migration."""

from __future__ import annotations

from django.db import models


class RateLimitCounterBase(models.Model):
    """Attempts counted under one key in one fixed time window (see subgraph_kit.rate_limits).

    In the database, not in a process, so every worker and replica counts together; rows whose
    window no longer matters are deleted by `manage.py purge_rate_limits`. A service subclasses
    it once and names the subclass in settings.RATE_LIMIT_COUNTER_MODEL.
    """

    key = models.CharField(
        max_length=100, help_text="The limit's name and a keyed hash of whom it counts."
    )
    window_start = models.BigIntegerField(help_text="Unix time, in seconds, the window starts at.")
    count = models.IntegerField(default=0)
    expires_at = models.BigIntegerField(
        db_index=True, help_text="Unix time, in seconds, after which the row no longer counts."
    )

    class Meta:
        abstract = True
        db_table = "rate_limit_counter"
        constraints = [
            # The conflict target of the atomic increment (INSERT ... ON CONFLICT DO UPDATE).
            models.UniqueConstraint(
                fields=["key", "window_start"], name="rate_limit_counter_key_window_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} @ {self.window_start}: {self.count}"
