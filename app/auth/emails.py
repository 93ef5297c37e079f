"""The password reset e-mail, sent through the outbox: the form answers at once, the worker sends."""
from __future__ import annotations

import uuid
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import select

from app.auth.passwords import reset_token
from app.calendar.urls import public_url
from app.extensions import db
from app.mail.outbox import Dropped, deliver_soon, queue
from app.mail.smtp import new_message
from app.models import MailKind, OutboxMessage, User

RESET_TEXT = (
    "Bonjour,\n\n"
    "Une demande de nouveau mot de passe a été faite pour votre compte Séances. Pour choisir un nouveau "
    "mot de passe, ouvrez ce lien dans l'heure :\n\n{link}\n\n"
    "Le lien ne sert qu'une fois. Si vous n'êtes pas à l'origine de cette demande, ignorez ce message : "
    "votre mot de passe reste inchangé.\n"
)


def send_password_reset(user: User) -> None:
    """Record the e-mail, commit, hand it to the worker (without a queue it leaves now; a failure is
    kept in the outbox, never shown: the answer stays the same whether the account exists or not)."""
    queued = queue([{"key": f"password-reset:user:{user.id}:{uuid.uuid4().hex}", "kind": MailKind.PASSWORD_RESET,
                     "user_id": user.id}])
    db.session.commit()
    deliver_soon(queued.ids)


def password_reset_message(user: User) -> EmailMessage:
    """The link is made when the message is built: it is bound to the current password."""
    message = new_message("Séances : choisir un nouveau mot de passe", current_app.config["SECRETARIAT_EMAIL"],
                          "Séances", user.email, "")
    message.set_content(RESET_TEXT.format(link=public_url("auth.reset_password", token=reset_token(user))))
    return message


def build_password_reset_emails(rows: list[OutboxMessage]) -> dict[int, EmailMessage | Dropped]:
    """Outbox builder of password reset e-mails (dropped for an account closed since)."""
    users = {user.id: user for user in db.session.scalars(select(User).where(User.id.in_({row.user_id for row in rows})))}
    return {row.id: password_reset_message(users[row.user_id]) if row.user_id in users and users[row.user_id].active
            else Dropped("compte fermé") for row in rows}
