"""The words an application is written in: roles, goals, levels, genders, Korean, languages.

Each vocabulary is a :class:`~enum.StrEnum` (members equal their text, so they compare with
stored strings) plus a tuple of the plain texts in the contract's order, which is the order
forms offer them and the order sets are stored in.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    STUDENT = "student"
    TUTOR = "tutor"

    @property
    def other(self) -> Role:
        """The role of this person's partner."""
        return Role.TUTOR if self is Role.STUDENT else Role.STUDENT


class Goal(StrEnum):
    CONVERSATION = "conversation"
    GRAMMAR = "grammar"
    SPEECH = "speech"
    ACADEMIC = "academic"
    CAREER = "career"
    TEST_PREP = "test-prep"


class Level(StrEnum):
    BEGINNER = "beginner"
    INTERMEDIATE = "intermediate"
    ADVANCED = "advanced"


class Gender(StrEnum):
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"


class KoreanAbility(StrEnum):
    NONE = "none"
    BASIC = "basic"
    FLUENT = "fluent"


class Language(StrEnum):
    """The language of the pages and emails a person gets."""

    KO = "ko"
    EN = "en"


class ConsentSource(StrEnum):
    """Where an applicant's consent was given: on our form, or to the program before an import."""

    FORM = "form"
    IMPORT = "import"


ROLES: tuple[str, ...] = tuple(r.value for r in Role)
GOALS: tuple[str, ...] = tuple(g.value for g in Goal)
LEVELS: tuple[str, ...] = tuple(lv.value for lv in Level)
GENDERS: tuple[str, ...] = tuple(g.value for g in Gender)
# A student may ask for a tutor of one of these genders (or state no preference).
GENDER_PREFERENCES: tuple[str, ...] = (Gender.FEMALE.value, Gender.MALE.value)
KOREAN_ABILITIES: tuple[str, ...] = tuple(k.value for k in KoreanAbility)
LANGUAGES: tuple[str, ...] = tuple(lang.value for lang in Language)
CONSENT_SOURCES: tuple[str, ...] = tuple(c.value for c in ConsentSource)
# Students are addressed in Korean first, tutors (from anywhere) in English.
DEFAULT_LANGUAGE: dict[str, Language] = {Role.STUDENT: Language.KO, Role.TUTOR: Language.EN}
