"""Sending e-mail over SMTP with the standard library (settings MAIL_* of the config)."""
from __future__ import annotations

import re
import smtplib
from email.header import Header
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app

from app.forms import one_line

# What a failed delivery raises: refused by the server, or no server at all.
SEND_ERRORS = (smtplib.SMTPException, OSError)
ADDRESS = re.compile(r"[^\s<>'\"(),;:]+@[^\s<>'\"(),;:]+")


def server_unavailable(error: Exception) -> bool:
    """True when no message can get through (no server, timeout, refused login), as opposed to
    one message refused (a bad recipient): the rest of a batch need not wait for it."""
    if isinstance(error, (smtplib.SMTPConnectError, smtplib.SMTPServerDisconnected,
                          smtplib.SMTPAuthenticationError)):
        return True
    return isinstance(error, OSError) and not isinstance(error, smtplib.SMTPException)


def permanent_refusal(error: Exception) -> bool:
    """True when the server refused this message for good (5xx: unknown recipient, message
    rejected): trying again would give the same answer."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    if isinstance(error, (smtplib.SMTPSenderRefused, smtplib.SMTPDataError)):
        return error.smtp_code >= 500
    return False


def describe_error(error: Exception) -> str:
    """The error as shown to the secretariat: what happened, in French, then the server's own words
    in brackets (for the administrator), addresses left out (they are personal data)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        details = "; ".join(f"{code} {message.decode(errors='replace')}" for code, message in error.recipients.values())
        text = f"{type(error).__name__}: {details}"
    else:
        text = f"{type(error).__name__}: {error}"
    return ADDRESS.sub("(adresse)", f"{french_reason(error)} ({text})")[:1000]


def french_reason(error: Exception) -> str:
    """One French sentence for a failed delivery, the secretariat's words rather than the server's."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        if permanent_refusal(error):
            return "Adresse du destinataire refusée par le serveur de messagerie"
        return "Adresse du destinataire momentanément refusée par le serveur de messagerie"
    if isinstance(error, smtplib.SMTPSenderRefused):
        return "Adresse d'expédition refusée par le serveur de messagerie"
    if isinstance(error, smtplib.SMTPDataError):
        return "Message refusé par le serveur de messagerie"
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return "Identifiants refusés par le serveur de messagerie"
    # smtplib reports a reply that never came as « Connection unexpectedly closed: timed out ».
    if isinstance(error, TimeoutError) or (isinstance(error, smtplib.SMTPServerDisconnected)
                                           and str(error).endswith("timed out")):
        return "Le serveur de messagerie ne répond pas"
    if server_unavailable(error):
        return "Serveur de messagerie injoignable"
    return "Erreur du serveur de messagerie"


def mailbox(name: str, email: str) -> Address:
    """An address header value; built from its parts so that non-ASCII local parts (RFC 6531)
    are accepted — smtplib then sends them with SMTPUTF8."""
    username, _, domain = email.rpartition("@")
    return Address(display_name=name, username=username, domain=domain)


class Subject(str):
    """A Subject header folded by the standard library's older encoder. Python 3.11's folding of a header
    with accents may drop the space between two encoded words at a line break (« 4décembre »; CPython
    gh-144156, fixed in later releases); the older encoder keeps every space inside its encoded words. It is
    stored as it is by the message (``name`` matches) and read back as the plain subject."""

    name = "Subject"
    defects = ()

    def fold(self, *, policy) -> str:
        encoded = Header(str(self), "utf-8", header_name=self.name).encode(linesep=policy.linesep)
        return f"{self.name}: {encoded}{policy.linesep}"


def new_message(subject: str, sender: str, sender_name: str, recipient: str, recipient_name: str) -> EmailMessage:
    """Headers are one line: a title or a name recorded with a line break (U+2028, CR/LF) cannot break
    the message, nor the batch it belongs to."""
    message = EmailMessage()
    subject = one_line(subject)
    message["Subject"] = subject if subject.isascii() else Subject(subject)
    message["From"] = mailbox(one_line(sender_name), sender)
    message["To"] = mailbox(one_line(recipient_name), recipient)
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1])
    return message


class SmtpConnection:
    """One connection to the SMTP server, opened at the first message and reused for the next ones
    of a batch (``with SmtpConnection() as smtp: smtp.send(message)``)."""

    def __init__(self):
        self.smtp: smtplib.SMTP | None = None

    def __enter__(self) -> SmtpConnection:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def open(self) -> smtplib.SMTP:
        config = current_app.config
        smtp = smtplib.SMTP(config["MAIL_SERVER"], int(config["MAIL_PORT"]), timeout=config["MAIL_TIMEOUT"])
        try:
            if config["MAIL_USE_TLS"]:
                smtp.starttls()
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        except BaseException:
            smtp.close()
            raise
        return smtp

    def send(self, message: EmailMessage) -> None:
        """Hand one message to the server; raises one of SEND_ERRORS on failure (the connection is
        then dropped, and the next message opens a new one)."""
        if self.smtp is None:
            self.smtp = self.open()
        try:
            self.smtp.send_message(message)
        except SEND_ERRORS:
            self.close()
            raise

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except SEND_ERRORS:
                self.smtp.close()
            self.smtp = None
