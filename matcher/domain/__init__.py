"""The domain's one home: vocabularies, statuses, limits, weekly windows and the applicant draft.

Pure Python (standard library only): forms, files, services, models and the engine all import
from here, and this package imports none of them.
"""

from matcher.domain.draft import ApplicantDraft, Profile
from matcher.domain.limits import (
    DEFAULT_SESSION_MINUTES,
    MAX_CAPACITY,
    MAX_EMAIL,
    MAX_NAME,
    MAX_NOTE,
    MAX_SESSION_MINUTES,
    MIN_CAPACITY,
    MIN_SESSION_MINUTES,
)
from matcher.domain.statuses import (
    ACTIVE_MATCH_STATUSES,
    APPLICANT_STATUSES,
    MATCH_STATUSES,
    SEMESTER_STATUSES,
    ApplicantStatus,
    MatchStatus,
    SemesterStatus,
)
from matcher.domain.vocabulary import (
    CONSENT_SOURCES,
    DEFAULT_LANGUAGE,
    GENDER_PREFERENCES,
    GENDERS,
    GOALS,
    KOREAN_ABILITIES,
    LANGUAGES,
    LEVELS,
    ROLES,
    ConsentSource,
    Gender,
    Goal,
    KoreanAbility,
    Language,
    Level,
    Role,
)
from matcher.domain.windows import WeeklyWindow

__all__ = [
    "ACTIVE_MATCH_STATUSES",
    "APPLICANT_STATUSES",
    "CONSENT_SOURCES",
    "DEFAULT_LANGUAGE",
    "DEFAULT_SESSION_MINUTES",
    "GENDERS",
    "GENDER_PREFERENCES",
    "GOALS",
    "KOREAN_ABILITIES",
    "LANGUAGES",
    "LEVELS",
    "MATCH_STATUSES",
    "MAX_CAPACITY",
    "MAX_EMAIL",
    "MAX_NAME",
    "MAX_NOTE",
    "MAX_SESSION_MINUTES",
    "MIN_CAPACITY",
    "MIN_SESSION_MINUTES",
    "ROLES",
    "SEMESTER_STATUSES",
    "ApplicantDraft",
    "ApplicantStatus",
    "ConsentSource",
    "Gender",
    "Goal",
    "KoreanAbility",
    "Language",
    "Level",
    "MatchStatus",
    "Profile",
    "Role",
    "SemesterStatus",
    "WeeklyWindow",
]
