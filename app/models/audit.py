"""The audit trail: who created, changed, deleted, restored, validated or published what, and when."""
from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import UTCDateTime, utc_now

ACTION_LABELS = {
    "created": "Création",
    "updated": "Modification",
    "deleted": "Suppression",
    "restored": "Restauration",
    "validated": "Validation",
    "published": "Publication",
    "reopened": "Réouverture",
    "sent": "Envoi",
    "exported": "Export des données personnelles",
    "anonymised": "Anonymisation",
    # Security events (``app/audit.py`` ``log_security_event``): about an account, with the address.
    "login": "Connexion",
    "login_failed": "Échec de connexion",
    "logout": "Déconnexion",
    "password_changed": "Changement de mot de passe",
    "password_reset_requested": "Demande de nouveau mot de passe",
    "password_reset": "Nouveau mot de passe par lien",
    "deactivated": "Désactivation du compte",
    "reactivated": "Réactivation du compte",
    "feed_link_regenerated": "Nouveau lien d'abonnement",
}
SECURITY_ACTIONS = ("login", "login_failed", "logout", "password_changed", "password_reset_requested",
                    "password_reset", "deactivated", "reactivated", "feed_link_regenerated")


class AuditEvent(db.Model):
    """One change. Rows are never updated nor deleted; ``meeting_id`` and ``entity_id`` are plain
    integers (no foreign key) so that the trail outlives what it describes."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_entity", "entity_type", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # Copied, so that the trail still names the author once the account is gone or anonymised.
    user_email: Mapped[str] = mapped_column(String(254), default="")
    action: Mapped[str] = mapped_column(String(30))
    entity_type: Mapped[str] = mapped_column(String(50))
    entity_id: Mapped[int | None] = mapped_column()
    meeting_id: Mapped[int | None] = mapped_column(index=True)
    # The ARS whose data (or account) the event is about: each ARS's admins read their own trail.
    organisation_id: Mapped[int | None] = mapped_column(index=True)
    # Where the request came from (the client's address, behind TRUSTED_PROXIES proxies).
    remote_address: Mapped[str] = mapped_column(String(64), default="")
    summary: Mapped[str] = mapped_column(String(500), default="")
    changes: Mapped[str] = mapped_column(Text, default="{}")  # JSON: field → [before, after] or value

    user = relationship("User")

    @property
    def action_label(self) -> str:
        return ACTION_LABELS.get(self.action, self.action)

    @property
    def changed_fields(self) -> dict:
        return json.loads(self.changes or "{}")
