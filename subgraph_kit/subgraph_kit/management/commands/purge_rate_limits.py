"""`python manage.py purge_rate_limits`: delete rate-limit counters that no longer count.

Run it on a schedule, next to simplejwt's `flushexpiredtokens` (docs/deploy.md, "Scheduled
clean-up").
"""

from django.core.management.base import BaseCommand

from subgraph_kit.rate_limits import purge_expired_counters


class Command(BaseCommand):
    help = "Delete the rate-limit counters whose windows have ended."

    def handle(self, *args: object, **options: object) -> None:
        deleted = purge_expired_counters()
        self.stdout.write(f"Deleted {deleted} expired rate-limit counters.")
