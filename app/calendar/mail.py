"""Sending e-mail over SMTP with the standard library (settings MAIL_* of the config)."""
from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.headerregistry import Address
from email.utils import formatdate, make_msgid

from flask import current_app, render_template

from app.forms import one_line

# What a failed delivery raises: refused by the server, or no server at all.
SEND_ERRORS = (smtplib.SMTPException, OSError)


def server_unavailable(error: Exception) -> bool:
    """True when no message can get through (no server, timeout, refused login), as opposed to
    one message refused (a bad recipient): the rest of a batch need not wait for it."""
    if isinstance(error, (smtplib.SMTPConnectError, smtplib.SMTPServerDisconnected,
                          smtplib.SMTPAuthenticationError)):
        return True
    return isinstance(error, OSError) and not isinstance(error, smtplib.SMTPException)


def mailbox(name: str, email: str) -> Address:
    """An address header value; built from its parts so that non-ASCII local parts (RFC 6531)
    are accepted — smtplib then sends them with SMTPUTF8."""
    username, _, domain = email.rpartition("@")
    return Address(display_name=name, username=username, domain=domain)


def new_message(subject: str, sender: str, sender_name: str, recipient: str, recipient_name: str) -> EmailMessage:
    """Headers are one line: a title or a name recorded with a line break (U+2028, CR/LF) cannot break
    the message, nor the batch it belongs to."""
    message = EmailMessage()
    message["Subject"] = one_line(subject)
    message["From"] = mailbox(one_line(sender_name), sender)
    message["To"] = mailbox(one_line(recipient_name), recipient)
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1])
    return message


def secretariat_email(meeting, person, subject: str, template: str, context: dict) -> EmailMessage:
    """A French e-mail from the meeting's secretariat to ``person``, with a text and an HTML part
    rendered from ``calendar/email/<template>.txt`` and ``.html``."""
    from app.calendar.builders import organiser_email

    organisation = meeting.body.organisation
    message = new_message(subject=subject, sender=organiser_email(meeting),
                          sender_name=organisation.short_name or organisation.name,
                          recipient=person.email, recipient_name=person.display_name)
    message.set_content(render_template(f"calendar/email/{template}.txt", **context))
    message.add_alternative(render_template(f"calendar/email/{template}.html", **context), subtype="html")
    return message


def send_email(message: EmailMessage) -> None:
    """Hand one message to the SMTP server; raises one of SEND_ERRORS on failure."""
    config = current_app.config
    with smtplib.SMTP(config["MAIL_SERVER"], int(config["MAIL_PORT"]), timeout=config["MAIL_TIMEOUT"]) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        smtp.send_message(message)
