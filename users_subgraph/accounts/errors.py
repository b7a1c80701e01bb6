"""Errors only the users subgraph reports (the shared ones are subgraph_kit.errors)."""

from __future__ import annotations

from subgraph_kit.errors import ClientError


class EmailNotVerified(ClientError):
    """ACCOUNT_EMAIL_VERIFICATION is `mandatory` and the account's address is not verified yet:
    a frontend offers to resend the message (resendVerificationEmail)."""

    code = "EMAIL_NOT_VERIFIED"
