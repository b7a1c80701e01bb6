"""subgraph_kit.rate_limits with the users service's limits and counters: sliding windows
counted in the database, below the GraphQL layer."""

from __future__ import annotations

import pytest

from accounts import rate_limits
from accounts.models import RateLimitCounter
from accounts.tests.conftest import run_concurrently
from subgraph_kit import rate_limits as counting
from subgraph_kit.errors import RateLimited

LIMIT = rate_limits.SIGNUP_PER_CLIENT


def attempt_once(subject: str = "192.0.2.1") -> None:
    with counting.attempt(counted_always=[LIMIT.quota(subject)]):
        pass


def attempts_allowed(count: int, subject: str = "192.0.2.1") -> list[bool]:
    """Try `count` attempts in a row; whether each one was allowed."""
    allowed = []
    for _ in range(count):
        try:
            attempt_once(subject)
            allowed.append(True)
        except RateLimited:
            allowed.append(False)
    return allowed


@pytest.fixture
def ten_per_minute(set_rate_limits) -> None:
    set_rate_limits(SIGNUP_PER_CLIENT="10/min")


@pytest.mark.django_db
@pytest.mark.usefixtures("ten_per_minute")
class TestSlidingWindow:
    def test_the_limit_refuses_the_attempt_after_the_last_allowed(self, clock) -> None:
        assert attempts_allowed(11) == [True] * 10 + [False]

    def test_no_burst_of_twice_the_limit_at_a_window_boundary(self, clock) -> None:
        clock.advance(60 - 10 - 1)  # the last second of the window
        attempts_allowed(10)
        clock.advance(2)  # one second into the next window

        # A fixed window would allow 10 more at once; nearly all of the 10 still count.
        assert attempts_allowed(1) == [False]

    def test_the_previous_window_weighs_less_as_time_passes(self, clock) -> None:
        attempts_allowed(10)  # 10 seconds into the window
        clock.advance(60 + 20)  # 30 seconds into the next: half of the previous window counts

        assert attempts_allowed(6) == [True] * 5 + [False]

    def test_refused_attempts_are_not_counted(self, clock) -> None:
        attempts_allowed(30)

        assert RateLimitCounter.objects.get().count == 10

    def test_retry_after_says_when_the_next_attempt_fits(self, clock) -> None:
        attempts_allowed(10)
        with pytest.raises(RateLimited) as refused:
            attempt_once()

        clock.advance(refused.value.retry_after_seconds - 1)
        assert attempts_allowed(1) == [False]
        clock.advance(1)
        assert attempts_allowed(1) == [True]

    def test_subjects_are_counted_apart(self, clock) -> None:
        attempts_allowed(10, subject="192.0.2.1")

        assert attempts_allowed(1, subject="192.0.2.2") == [True]


@pytest.mark.django_db
def test_counts_written_by_another_worker_count(ten_per_minute, clock) -> None:
    # What another process or replica counted is a row in the shared database.
    window_start = int(clock.now) - int(clock.now) % 60
    RateLimitCounter.objects.create(
        key=LIMIT.quota("192.0.2.1").key, window_start=window_start, count=10, expires_at=0
    )

    assert attempts_allowed(1) == [False]


@pytest.mark.django_db
def test_a_failure_only_limit_uncounts_an_attempt_that_succeeds(ten_per_minute, clock) -> None:
    quota = LIMIT.quota("ada@example.com")
    for _ in range(20):
        with counting.attempt(counted_if_failed=[quota]):
            pass
    with pytest.raises(ValueError, match="failed"), counting.attempt(counted_if_failed=[quota]):
        raise ValueError("a failed attempt")

    assert RateLimitCounter.objects.get(key=quota.key).count == 1


@pytest.mark.django_db
def test_an_attempt_refused_by_one_limit_is_counted_by_none(set_rate_limits, clock) -> None:
    set_rate_limits(SIGNUP_PER_CLIENT="5/min", SIGNUP_PER_EMAIL="1/min")
    by_client = rate_limits.SIGNUP_PER_CLIENT.quota("192.0.2.1")
    by_email = rate_limits.SIGNUP_PER_EMAIL.quota("ada@example.com")
    with counting.attempt(counted_always=[by_client, by_email]):
        pass

    for _ in range(2):
        with pytest.raises(RateLimited), counting.attempt(counted_always=[by_client, by_email]):
            pass

    assert RateLimitCounter.objects.get(key=by_client.key).count == 1


def test_an_ipv6_client_is_its_64_bit_network() -> None:
    same_network = {counting.client_subject(f"2001:db8::{suffix}") for suffix in ("1", "ff:2")}

    assert same_network == {"2001:db8::/64"}
    assert counting.client_subject("2001:db8:0:1::1") == "2001:db8:0:1::/64"
    assert counting.client_subject("192.0.2.1") == "192.0.2.1"


def test_keys_hold_no_email_or_address() -> None:
    key = rate_limits.LOGIN_FAILURES_PER_EMAIL_AND_CLIENT.quota("ada@example.com", "192.0.2.1").key

    assert key.startswith("login_failures_per_email_and_client:")
    assert "ada" not in key
    assert "192" not in key


@pytest.mark.django_db(transaction=True)
def test_concurrent_attempts_are_each_counted_once(set_rate_limits) -> None:
    # Workers and replicas count in one table at once: no increment may be lost or shared.
    set_rate_limits(SIGNUP_PER_CLIENT="1000/h")

    def attempt_many() -> None:
        for _ in range(15):
            attempt_once()

    results = run_concurrently(8, attempt_many)

    assert results == [None] * 8
    assert RateLimitCounter.objects.get().count == 8 * 15
