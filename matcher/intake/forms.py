"""The sign-up forms: every field of the applicants contract, plus note, language and consent."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    RadioField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import ValidationError

from matcher.domain import GOALS, LEVELS, MAX_EMAIL, MAX_NAME, MAX_NOTE, ApplicantDraft, Role
from matcher.domain.windows import parse_windows
from matcher.intake.grid import all_slot_values, slots_from_windows, windows_from_slots
from matcher.intake.zones import known_zone
from matcher.models import Applicant

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Embeddings, overrides and isolates can make a name display as something else entirely.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def normalised(value: Any) -> Any:
    """NFC (so decomposed Hangul from some keyboards equals the composed form), trimmed."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value).strip()
    return value


def check_characters(value: str, *, multiline: bool = False) -> None:
    allowed = "\n\r\t" if multiline else ""
    for ch in value:
        if ch in _BIDI_CONTROLS:
            raise ValidationError(_l("Please remove the hidden text-direction characters."))
        if unicodedata.category(ch) in ("Cc", "Cs") and ch not in allowed:
            raise ValidationError(_l("Please remove the hidden control characters."))


def check_email(value: str) -> None:
    if len(value) > MAX_EMAIL or not _EMAIL.match(value):
        raise ValidationError(_l("Please enter an email address like name@example.com."))
    check_characters(value)


class ApplicationForm(FlaskForm):
    """Fields both roles share. Students and tutors subclass it with their own questions."""

    display_name = StringField(_l("Name to show"), filters=[normalised])
    email = EmailField(_l("Email"), filters=[normalised])
    timezone = StringField(_l("Time zone"), filters=[normalised])
    slots = SelectMultipleField(
        _l("When are you free every week?"),
        validate_choice=False,
    )
    goals = SelectMultipleField(validate_choice=False)
    gender = RadioField(
        _l("Your gender (optional)"),
        default="",
        validate_choice=False,
    )
    in_person = BooleanField(_l("I can come to events in Seoul in person."))
    continue_with = EmailField(filters=[normalised])
    note = TextAreaField(_l("Anything else we should know? (optional)"), filters=[normalised])
    language = RadioField(
        _l("Language for your private page and emails"),
        validate_choice=False,
    )
    share_contact = RadioField(
        _l("May we give your email address to your partner?"),
        default="no",
        validate_choice=False,
    )
    consent = BooleanField(_l("I have read the privacy notice and I agree."))
    # Anti-abuse: a field people never see, and when the form was handed out (signed).
    website = StringField(_l("Leave this empty"))
    started = HiddenField()

    def validate_display_name(self, field: StringField) -> None:
        if not field.data:
            raise ValidationError(_l("Please enter a name. A nickname is fine."))
        if len(field.data) > MAX_NAME:
            raise ValidationError(_l("Please use at most 80 characters."))
        check_characters(field.data)

    def validate_email(self, field: EmailField) -> None:
        if not field.data:
            raise ValidationError(_l("Please enter your email address."))
        check_email(field.data)

    def validate_timezone(self, field: StringField) -> None:
        zone = known_zone(field.data or "")
        if zone is None:
            raise ValidationError(
                _l("Please choose a time zone from the list, for example Asia/Seoul.")
            )
        field.data = zone

    def validate_slots(self, field: SelectMultipleField) -> None:
        known = set(all_slot_values())
        field.data = [v for v in field.data or [] if v in known]
        if not field.data:
            raise ValidationError(_l("Please tick the times when you are free."))

    def validate_goals(self, field: SelectMultipleField) -> None:
        field.data = [g for g in field.data or [] if g in GOALS]
        if not field.data:
            raise ValidationError(_l("Please choose at least one goal."))

    def validate_gender(self, field: RadioField) -> None:
        if field.data not in ("", "female", "male", "other", None):
            raise ValidationError(_l("Please choose one of the options."))

    def validate_continue_with(self, field: EmailField) -> None:
        if field.data:
            check_email(field.data)

    def validate_note(self, field: TextAreaField) -> None:
        if field.data and len(field.data) > MAX_NOTE:
            raise ValidationError(_l("Please keep the note to 500 characters or fewer."))
        if field.data:
            check_characters(field.data, multiline=True)

    def validate_language(self, field: RadioField) -> None:
        if field.data not in ("ko", "en"):
            raise ValidationError(_l("Please choose one of the options."))

    def validate_share_contact(self, field: RadioField) -> None:
        if field.data not in ("yes", "no"):
            raise ValidationError(_l("Please choose one of the options."))

    def validate_consent(self, field: BooleanField) -> None:
        if not field.data:
            raise ValidationError(_l("Please read the privacy notice and tick this box to apply."))


class StudentForm(ApplicationForm):
    level = RadioField(_l("How is your English now?"), validate_choice=False)
    gender_preference = RadioField(
        _l("Tutor gender (optional)"),
        default="",
        validate_choice=False,
    )

    def validate_level(self, field: RadioField) -> None:
        if field.data not in LEVELS:
            raise ValidationError(_l("Please choose the sentence that fits you best."))

    def validate_gender_preference(self, field: RadioField) -> None:
        if field.data not in ("", "female", "male", None):
            raise ValidationError(_l("Please choose one of the options."))


class TutorForm(ApplicationForm):
    levels = SelectMultipleField(validate_choice=False)
    korean = RadioField(
        _l("How much Korean do you speak?"),
        validate_choice=False,
    )
    capacity = RadioField(
        _l("How many students can you take?"),
        default="1",
        validate_choice=False,
    )

    def validate_levels(self, field: SelectMultipleField) -> None:
        field.data = [lv for lv in field.data or [] if lv in LEVELS]
        if not field.data:
            raise ValidationError(_l("Please choose at least one level."))

    def validate_korean(self, field: RadioField) -> None:
        if field.data not in ("none", "basic", "fluent"):
            raise ValidationError(_l("Please choose one of the options."))

    def validate_capacity(self, field: RadioField) -> None:
        if field.data not in ("1", "2", "3"):
            raise ValidationError(_l("Please choose 1, 2 or 3."))


class WithdrawForm(FlaskForm):
    confirm = BooleanField(_l("Yes, withdraw my application."))

    def validate_confirm(self, field: BooleanField) -> None:
        if not field.data:
            raise ValidationError(_l("Please tick the box to confirm."))


class AvailabilityForm(FlaskForm):
    """After intake only the weekly times can change; the rest is with the coordinators."""

    slots = SelectMultipleField(validate_choice=False)
    validate_slots = ApplicationForm.validate_slots


def signup_fields(form: ApplicationForm, role: str) -> ApplicantDraft:
    """The validated form as the service's input (students speak Korean: no question asked)."""
    data = form.data
    student = role == "student"
    return ApplicantDraft(
        role=Role(role),
        display_name=data["display_name"],
        email=data["email"].lower(),
        timezone=data["timezone"],
        windows=windows_from_slots(data["slots"]),
        goals=frozenset(data["goals"]),
        levels=frozenset([data["level"]] if student else data["levels"]),
        gender=data["gender"] or None,
        gender_preference=(data["gender_preference"] or None) if student else None,
        korean="fluent" if student else data["korean"],
        in_person=bool(data["in_person"]),
        capacity=1 if student else int(data["capacity"]),
        continue_with=data["continue_with"] or None,
        note=data["note"] or None,
        language=data["language"],
        share_contact=data["share_contact"] == "yes",
    )


def form_data(applicant: Applicant) -> dict[str, Any]:
    """An application as form data, to prefill the edit form."""
    windows = parse_windows(applicant.availability)
    return {
        "display_name": applicant.display_name,
        "email": applicant.email,
        "timezone": applicant.timezone,
        "slots": slots_from_windows(windows),
        "goals": applicant.goal_list,
        "level": applicant.level_list[0] if applicant.level_list else None,
        "levels": applicant.level_list,
        "gender": applicant.gender or "",
        "gender_preference": applicant.gender_preference or "",
        "korean": applicant.korean,
        "in_person": applicant.in_person,
        "capacity": str(applicant.capacity),
        "continue_with": applicant.continue_with or "",
        "note": applicant.note or "",
        "language": applicant.language,
        "share_contact": "yes" if applicant.share_contact else "no",
    }


class LinkRequestForm(FlaskForm):
    """ "Email me my link": only an address; the answer never says whether it is known."""

    email = EmailField(_l("Email"), filters=[normalised])

    def validate_email(self, field: EmailField) -> None:
        if not field.data:
            raise ValidationError(_l("Please enter your email address."))
        check_email(field.data)
