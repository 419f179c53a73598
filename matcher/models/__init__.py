"""The data model; importing this package registers every table on the shared metadata."""

from matcher.domain import (
    ACTIVE_MATCH_STATUSES,
    ApplicantStatus,
    ConsentSource,
    MatchStatus,
    Role,
    SemesterStatus,
)
from matcher.models.applicant import Applicant
from matcher.models.audit import AuditEvent
from matcher.models.base import Base
from matcher.models.exclusion import Exclusion
from matcher.models.login_lock import LoginLock
from matcher.models.match import Match
from matcher.models.match_run import MatchRun
from matcher.models.outbox import MailKind, OutboxMessage, OutboxStatus
from matcher.models.pair_session import PairSession
from matcher.models.private_link import PrivateLink
from matcher.models.semester import Semester
from matcher.models.user import User, UserRole

__all__ = [
    "ACTIVE_MATCH_STATUSES",
    "Applicant",
    "ApplicantStatus",
    "AuditEvent",
    "Base",
    "ConsentSource",
    "Exclusion",
    "LoginLock",
    "MailKind",
    "Match",
    "MatchRun",
    "MatchStatus",
    "OutboxMessage",
    "OutboxStatus",
    "PairSession",
    "PrivateLink",
    "Role",
    "Semester",
    "SemesterStatus",
    "User",
    "UserRole",
]
