"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives: e-mails are tested as sent."""
from __future__ import annotations

import socket
from email import policy
from email.parser import BytesParser


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    """aiosmtpd handler keeping every message received, parsed."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = BytesParser(policy=policy.default).parsebytes(envelope.original_content or envelope.content)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted"

    def to(self, address: str) -> list:
        return [message for recipients, message in self.messages if address in recipients]
