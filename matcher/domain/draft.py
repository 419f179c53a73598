"""The one applicant draft: every field of the applicants contract, validated, before it is stored.

The sign-up forms, a coordinator's file import, the demo data and the tests all build an
:class:`ApplicantDraft`; the services store it. The engine's ``Person`` shares its
:class:`Profile` (what matching reads of a person) but carries an id instead of an email, so
the engine never sees contact details.
"""

from __future__ import annotations

from dataclasses import dataclass

from matcher.domain.vocabulary import DEFAULT_LANGUAGE, Language, Role
from matcher.domain.windows import WeeklyWindow


@dataclass(frozen=True, kw_only=True)
class Profile:
    """What the matching rules read of a person, already validated against the contract.

    ``windows`` are weekly windows in the person's own wall-clock time in ``timezone`` (IANA).
    A student has exactly one level; a tutor lists the levels they are glad to teach and the
    goals they are glad to help with. Optional answers left empty are ``None``. ``capacity``
    only matters for tutors.
    """

    role: Role
    timezone: str
    windows: tuple[WeeklyWindow, ...]
    goals: frozenset[str] = frozenset()
    levels: frozenset[str] = frozenset()
    gender: str | None = None
    gender_preference: str | None = None
    korean: str | None = None
    in_person: bool = False
    capacity: int = 1

    def __post_init__(self) -> None:
        # Callers may pass the role's text; keeping the member gives every reader ``.other``.
        object.__setattr__(self, "role", Role(self.role))


@dataclass(frozen=True, kw_only=True)
class ApplicantDraft(Profile):
    """An applicant as the contract describes them (``applicants-csv.md``), ready to store.

    ``email`` and ``continue_with`` are trimmed and lowercased by whoever builds the draft.
    ``language`` is ``None`` when the person was not asked (see :attr:`page_language`).
    ``share_contact`` is the person's answer to "may your partner have your email?"; nothing
    stores it yet (the email work adds the column), so it defaults to the contract's "no".
    ``note`` is what the person wrote to the coordinators on the form (not in the file).
    """

    display_name: str
    email: str
    continue_with: str | None = None
    language: Language | None = None
    share_contact: bool = False
    note: str | None = None

    @property
    def page_language(self) -> Language:
        """The language chosen, else the contract's default for the role."""
        return Language(self.language) if self.language else DEFAULT_LANGUAGE[self.role]
