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
        self.refuse: set[str] = set()  # addresses answered « 550 unknown user »

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return f"550 5.1.1 <{address}>: unknown user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = BytesParser(policy=policy.default).parsebytes(envelope.original_content or envelope.content)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted"

    def to(self, address: str) -> list:
        return [message for recipients, message in self.messages if address in recipients]


class SlowInbox(Inbox):
    """A server that takes ``delay`` seconds to accept each message (a loaded relay)."""

    def __init__(self, delay: float):
        super().__init__()
        self.delay = delay

    async def handle_DATA(self, server, session, envelope):
        import asyncio

        await asyncio.sleep(self.delay)
        return await super().handle_DATA(server, session, envelope)


def all_text(message) -> str:
    """Everything a message holds, as a reader or a program would find it: its raw bytes (headers,
    encoded bodies) and every part decoded (base64 and quoted-printable undone)."""
    texts = [message.as_bytes().decode("utf-8", errors="replace")]
    for part in message.walk():
        if part.is_multipart():
            continue
        payload = part.get_payload(decode=True) or b""
        texts.append(payload.decode(part.get_content_charset() or "utf-8", errors="replace"))
    return "\n".join(texts)
