"""A real SMTP server for the stack's mail: aiosmtpd on a free loopback port, keeping every
message it accepts so a test can open the links a user would receive."""

from __future__ import annotations

import email
import email.policy
import re
import threading
import time
from email.message import EmailMessage
from urllib.parse import parse_qs, urlsplit

from aiosmtpd.controller import Controller

LINK = re.compile(r"https?://\S+")


class MailSink:
    """Start with start(), stop with stop(); `port` is where the users service sends mail."""

    def __init__(self, port: int) -> None:
        self.port = port
        self._messages: list[EmailMessage] = []
        self._arrived = threading.Condition()
        self._controller = Controller(self, hostname="127.0.0.1", port=port)

    def start(self) -> None:
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()

    async def handle_DATA(self, server, session, envelope) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        with self._arrived:
            self._messages.append(message)
            self._arrived.notify_all()
        return "250 Message accepted for delivery"

    def messages_to(self, address: str) -> list[EmailMessage]:
        with self._arrived:
            return [m for m in self._messages if m["X-Envelope-To"] == address]

    def wait_for(self, address: str, subject: str, timeout: float = 30.0) -> EmailMessage:
        """The first message to `address` with this subject, waiting for it to arrive."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while True:
                for message in self._messages:
                    if message["X-Envelope-To"] == address and message["Subject"] == subject:
                        return message
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"no {subject!r} message to {address} in {timeout}s")
                self._arrived.wait(remaining)


def link_token(message: EmailMessage, *, path: str) -> str:
    """The `token` of the one link in a message's text body, which must point at `path`."""
    body = message.get_body(preferencelist=("plain",)).get_content()
    links = LINK.findall(body)
    assert len(links) == 1, body
    link = urlsplit(links[0])
    assert link.path == path, link
    return parse_qs(link.query)["token"][0]
