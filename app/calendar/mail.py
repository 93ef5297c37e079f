"""The layout of the secretariat's e-mails about a meeting: text and HTML in French and, for an
invitation, the meeting as iMIP expects it.

    multipart/mixed
      multipart/alternative
        text/plain
        text/html
        text/calendar; method=REQUEST (or CANCEL); charset=utf-8   ← what Outlook, Gmail, Apple Mail read
      application/ics « seance.ics »                                 ← the same file, to save or import
"""
from __future__ import annotations

from email.message import EmailMessage

from flask import render_template
from icalendar import Calendar

from app.calendar.builders import organiser_email
from app.mail.smtp import new_message
from app.models import Meeting, Person


def secretariat_email(meeting: Meeting, person: Person, subject: str, template: str, context: dict,
                      calendar: Calendar | None = None) -> EmailMessage:
    """A French e-mail from the meeting's secretariat to ``person``, rendered from
    ``calendar/email/<template>.txt`` and ``.html``; with ``calendar`` (which has a METHOD), an invitation."""
    organisation = meeting.body.organisation
    message = new_message(subject=subject, sender=organiser_email(meeting),
                          sender_name=organisation.short_name or organisation.name,
                          recipient=person.email, recipient_name=person.display_name)
    message.set_content(render_template(f"calendar/email/{template}.txt", **context))
    message.add_alternative(render_template(f"calendar/email/{template}.html", **context), subtype="html")
    if calendar is not None:
        content = calendar.to_ical()
        message.add_alternative(content.decode(), subtype="calendar", params={"method": str(calendar["method"])})
        message.add_attachment(content, maintype="application", subtype="ics", filename="seance.ics")
    return message
