"""The clean-up commands to schedule (docs/deploy.md): `flushexpiredtokens` deletes expired refresh
tokens and their revocations, `purge_rate_limits` the rate-limit counters that no longer count."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from accounts import rate_limits
from accounts.models import RateLimitCounter
from accounts.services import token_blacklist, token_pair_issue
from subgraph_kit import rate_limits as counting


def count_attempts(count: int, address: str) -> None:
    for _ in range(count):
        with counting.attempt(counted_always=[rate_limits.SIGNUP_PER_CLIENT.quota(address)]):
            pass


@pytest.mark.django_db
def test_purge_rate_limits_deletes_the_counters_that_no_longer_count(
    set_rate_limits, clock
) -> None:
    set_rate_limits(SIGNUP_PER_CLIENT="10/min")
    count_attempts(3, "192.0.2.1")
    clock.advance(60)
    count_attempts(3, "192.0.2.2")
    clock.advance(60)  # the first window no longer counts; the second still does
    output = io.StringIO()

    call_command("purge_rate_limits", stdout=output)

    assert output.getvalue().strip() == "Deleted 1 expired rate-limit counters."
    assert RateLimitCounter.objects.count() == 1


def test_flushexpiredtokens_deletes_expired_refresh_tokens_and_their_revocations(user) -> None:
    expired = token_pair_issue(user=user)
    live = token_pair_issue(user=user)
    token_blacklist(refresh=expired.refresh)
    token_blacklist(refresh=live.refresh)
    OutstandingToken.objects.filter(token=expired.refresh).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )

    call_command("flushexpiredtokens")

    assert list(OutstandingToken.objects.values_list("token", flat=True)) == [live.refresh]
    assert BlacklistedToken.objects.count() == 1
