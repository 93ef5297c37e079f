"""All models, importable from one place: ``from app.models import Meeting``."""
from app.models.accounts import Role, User
from app.models.audit import AuditEvent
from app.models.bodies import (
    MAX_PROXIES_PER_HOLDER,
    PRESETS,
    Body,
    BodyKind,
    BodyPreset,
    BodyRules,
    DatedSpan,
    Membership,
    MembershipRole,
    RoleKind,
    Seat,
    role_title,
)
from app.models.dossier import DocumentChunk, DocumentReceipt, DocumentVersion, MeetingDocument
from app.models.calendar import BodyFeedLink, ConvocationSending, UsedAnswerLink
from app.models.meetings import (
    AgendaItem,
    Attendance,
    AttendanceStatus,
    Capacity,
    Deadline,
    DeadlineKind,
    Invitation,
    InvitationResponse,
    Meeting,
    MeetingStatus,
    ParticipationMode,
    RoundTablePoint,
    RoundTableSection,
    point_themes,
)
from app.models.minutes import ConvertedPdf, Minutes, MinutesAction, MinutesEvent, MinutesStatus
from app.models.outbox import CANCEL_KINDS, REQUEST_KINDS, MailKind, MailStatus, OutboxMessage, is_retrying
from app.models.organisations import SEGUR_PILLARS, Organisation, Theme, ensure_default_themes
from app.models.people import Civility, Person
from app.models.submissions import FormSubmission
from app.models.types import utc_now
from app.models.votes import (
    AgendaItemNature,
    ConsultationAnswer,
    Vote,
    VoteBallot,
    VoteChoice,
    VoteOutcome,
    WrittenConsultation,
)

__all__ = [
    "AgendaItem", "Attendance", "AuditEvent", "AttendanceStatus", "Body", "BodyKind", "Capacity", "Civility",
    "Deadline", "DeadlineKind", "Invitation", "InvitationResponse", "Meeting", "MeetingStatus", "ParticipationMode",
    "ConvertedPdf", "Membership", "Minutes", "MinutesAction", "MinutesEvent", "MinutesStatus", "Organisation",
    "Person", "Role", "RoundTablePoint", "RoundTableSection", "Seat", "Theme", "User",
    "point_themes", "utc_now", "SEGUR_PILLARS", "ensure_default_themes",
    "ConvocationSending", "UsedAnswerLink", "MailKind", "MailStatus", "OutboxMessage", "is_retrying", "REQUEST_KINDS",
    "CANCEL_KINDS",
    "BodyFeedLink",
    "DocumentChunk", "DocumentReceipt", "DocumentVersion", "MeetingDocument",
    "BodyPreset", "BodyRules", "MAX_PROXIES_PER_HOLDER", "MembershipRole", "PRESETS", "RoleKind",
    "DatedSpan", "role_title",
    "AgendaItemNature", "Vote", "VoteBallot", "VoteChoice", "VoteOutcome", "WrittenConsultation",
    "ConsultationAnswer",
    "FormSubmission",
]
