"""Mail through a real SMTP server (aiosmtpd on a free 127.0.0.1 port), Django's SMTP backend
talking to it: the messages arrive, their links work, and a failed send is logged and counted
without the client's answer changing."""

from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import Iterator
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from django_tasks_db.models import DBTaskResult
from prometheus_client import REGISTRY

from accounts.models import User
from accounts.tests.conftest import PASSWORD, run_queued_tasks
from accounts.tests.mail import token_in
from accounts.tests.operations import (
    REQUEST_PASSWORD_RESET,
    RESET_PASSWORD,
    SIGNUP,
    VERIFY_EMAIL,
)
from subgraph_kit.testing import captured_logs

NEW_PASSWORD = "a brand new passphrase 42"


class Inbox:
    """An aiosmtpd handler keeping every message it accepts."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def use_smtp(settings, port: int) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    settings.DEFAULT_FROM_EMAIL = "accounts@example.com"
    settings.FRONTEND_BASE_URL = "https://app.example.com"


@pytest.fixture
def smtp_inbox(settings) -> Iterator[Inbox]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    use_smtp(settings, controller.port)
    try:
        yield inbox
    finally:
        controller.stop()


def body_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


@pytest.mark.django_db
def test_a_verification_message_arrives_and_its_link_verifies(graphql, smtp_inbox) -> None:
    graphql(SIGNUP, {"input": {"email": "ada@example.com", "password": PASSWORD}})

    run_queued_tasks()

    [message] = smtp_inbox.messages
    assert message["X-Envelope-To"] == "ada@example.com"
    assert message["From"] == "accounts@example.com"
    assert message["Subject"] == "Confirm your email address"
    token = token_in(body_of(message), path="/verify-email")
    assert graphql(VERIFY_EMAIL, {"token": token}) == {"data": {"verifyEmail": True}}
    assert User.objects.get().is_verified is True


def test_a_reset_message_arrives_and_its_link_resets(graphql, user, smtp_inbox) -> None:
    graphql(REQUEST_PASSWORD_RESET, {"email": "ada@example.com"})
    graphql(REQUEST_PASSWORD_RESET, {"email": "nobody@example.com"})

    run_queued_tasks()

    # Only the existing account's address gets a message.
    [message] = smtp_inbox.messages
    assert message["X-Envelope-To"] == "ada@example.com"
    assert body_of(message).count("https://app.example.com/reset-password?token=") == 1
    token = token_in(body_of(message), path="/reset-password")
    body = graphql(RESET_PASSWORD, {"token": token, "newPassword": NEW_PASSWORD})
    assert "errors" not in body, body
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def failed_sends(kind: str) -> float:
    return (
        REGISTRY.get_sample_value(
            "subgraph_emails_total", {"service": "users", "kind": kind, "outcome": "failed"}
        )
        or 0.0
    )


def test_a_failed_send_is_logged_and_counted_and_the_answer_unchanged(
    graphql, user, settings
) -> None:
    # Nothing listens on this port: the connection is refused.
    use_smtp(settings, free_port())
    failed_before = failed_sends("password_reset")

    answer = graphql(REQUEST_PASSWORD_RESET, {"email": "ada@example.com"})
    with captured_logs() as output:
        [task] = run_queued_tasks()

    assert answer == {"data": {"requestPasswordReset": True}}
    assert task.status == "FAILED"
    assert task.exception_class_path == "accounts.emails.EmailNotSent"
    assert failed_sends("password_reset") == failed_before + 1
    logs = output.getvalue()
    assert f"Sending the password_reset email of user {user.id} failed" in logs
    assert "ada@example.com" not in logs
    assert DBTaskResult.objects.failed().count() == 1


class RefusingInbox:
    """An SMTP server that refuses every recipient, as one does for an unknown mailbox."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:
        return "550 5.1.1 No such mailbox here"


def test_a_refused_recipient_is_logged_without_the_address(graphql, user, settings) -> None:
    # smtplib's error for a refused recipient is a dict keyed by the address.
    controller = Controller(RefusingInbox(), hostname="127.0.0.1", port=free_port())
    controller.start()
    use_smtp(settings, controller.port)
    try:
        graphql(REQUEST_PASSWORD_RESET, {"email": "ada@example.com"})
        with captured_logs() as output:
            [task] = run_queued_tasks()
    finally:
        controller.stop()

    assert task.status == "FAILED"
    # The service's lines, not the test SMTP server's own (aiosmtpd logs to "mail.log").
    logs = "\n".join(line for line in output.getvalue().splitlines() if "mail.log" not in line)
    assert "SMTPRecipientsRefused" in logs
    assert "ada@example.com" not in logs
    assert "ada@example.com" not in str(task.traceback)
