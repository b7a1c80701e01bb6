"""Rate limits of the public authentication mutations, one RATE_LIMIT_* variable each.

A value is `<count>/<period>`: `20/min`, `5/15min`, `50/h`, `10/hour`, `100/d`, `30/90s`;
`off` turns the limit off. What each limit counts is in accounts/rate_limits.py.
"""

from __future__ import annotations

from typing import Any

import environ

from subgraph_kit.settings import rate_limit_settings as kit_rate_limit_settings

# Production defaults: generous for people, tight for scripts (docs/security.md, "Rate limits").
DEFAULT_RATES = {
    "LOGIN_PER_CLIENT": "20/min",
    "LOGIN_FAILURES_PER_EMAIL_AND_CLIENT": "5/15min",
    "LOGIN_FAILURES_PER_EMAIL": "50/h",
    "SIGNUP_PER_CLIENT": "20/h",
    "SIGNUP_PER_EMAIL": "10/h",
    "REFRESH_PER_CLIENT": "60/min",
    # Each call may send a message: a mailbox is not flooded, nor the sender's reputation spent.
    "VERIFICATION_EMAIL_PER_CLIENT": "20/h",
    "VERIFICATION_EMAIL_PER_EMAIL": "5/h",
    "PASSWORD_RESET_PER_CLIENT": "20/h",
    "PASSWORD_RESET_PER_EMAIL": "5/h",
}


def rate_limit_settings(env: environ.Env) -> dict[str, Any]:
    return kit_rate_limit_settings(
        env, default_rates=DEFAULT_RATES, counter_model="accounts.RateLimitCounter"
    )
