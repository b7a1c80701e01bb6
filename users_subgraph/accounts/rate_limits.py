"""The rate limits of the authentication mutations: what each counts, and the logins that made
an address known to an account. The counting itself is subgraph_kit.rate_limits.
"""

from __future__ import annotations

from subgraph_kit import rate_limits
from subgraph_kit.rate_limits import RateLimit, counter_key, counter_model

# A login succeeding from an address makes it known for this email for 30 to 60 days (two
# windows): known addresses are not subject to the email's limit over every address.
KNOWN_CLIENT_WINDOW_SECONDS = 30 * 24 * 3600

LOGIN_PER_CLIENT = RateLimit("LOGIN_PER_CLIENT", "Too many login attempts from this address")
LOGIN_FAILURES_PER_EMAIL_AND_CLIENT = RateLimit(
    "LOGIN_FAILURES_PER_EMAIL_AND_CLIENT",
    "Too many failed logins to this account from this address",
)
LOGIN_FAILURES_PER_EMAIL = RateLimit(
    "LOGIN_FAILURES_PER_EMAIL", "Too many failed logins to this account"
)
SIGNUP_PER_CLIENT = RateLimit("SIGNUP_PER_CLIENT", "Too many signups from this address")
SIGNUP_PER_EMAIL = RateLimit("SIGNUP_PER_EMAIL", "Too many signups with this email")
REFRESH_PER_CLIENT = RateLimit("REFRESH_PER_CLIENT", "Too many token refreshes from this address")
VERIFICATION_EMAIL_PER_CLIENT = RateLimit(
    "VERIFICATION_EMAIL_PER_CLIENT", "Too many verification emails requested from this address"
)
VERIFICATION_EMAIL_PER_EMAIL = RateLimit(
    "VERIFICATION_EMAIL_PER_EMAIL", "Too many verification emails requested for this email"
)
PASSWORD_RESET_PER_CLIENT = RateLimit(
    "PASSWORD_RESET_PER_CLIENT", "Too many password resets requested from this address"
)
PASSWORD_RESET_PER_EMAIL = RateLimit(
    "PASSWORD_RESET_PER_EMAIL", "Too many password resets requested for this email"
)


def remember_login_client(*, email: str, client: str) -> None:
    """Note that `client` has logged in to `email`'s account (see KNOWN_CLIENT_WINDOW_SECONDS)."""
    now = int(rate_limits.current_time())
    window_start = now - now % KNOWN_CLIENT_WINDOW_SECONDS
    rate_limits.increment(
        counter_key("KNOWN_LOGIN_CLIENT", email, client),
        window_start=window_start,
        window_seconds=KNOWN_CLIENT_WINDOW_SECONDS,
    )


def is_known_login_client(*, email: str, client: str) -> bool:
    now = int(rate_limits.current_time())
    window_start = now - now % KNOWN_CLIENT_WINDOW_SECONDS
    return (
        counter_model()
        .objects.filter(
            key=counter_key("KNOWN_LOGIN_CLIENT", email, client),
            window_start__in=[window_start, window_start - KNOWN_CLIENT_WINDOW_SECONDS],
            count__gt=0,
        )
        .exists()
    )
