"""Dashboard forms; plain English, since coordinators are program staff."""

from __future__ import annotations

from datetime import date

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # new in WTForms 3.3; types-WTForms 3.2 lacks it
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from matcher.domain import (
    GENDERS,
    GOALS,
    KOREAN_ABILITIES,
    LEVELS,
    MAX_NAME,
    MAX_NOTE,
    MAX_SESSION_MINUTES,
    MIN_SESSION_MINUTES,
)


class ConfirmForm(FlaskForm):
    """A button-only form: its CSRF token is the whole point."""


class CreateAccountForm(FlaskForm):
    email = StringField("Email", validators=[DataRequired(), Length(max=254)])
    name = StringField("Name (a pseudonym is fine)", validators=[DataRequired(), Length(max=80)])
    admin = BooleanField("Admin (can manage accounts)")


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _none_if_blank(value: str | None) -> str | None:
    return value or None


class ApplicantEditForm(FlaskForm):
    display_name = StringField(
        "Name or pseudonym", validators=[DataRequired(), Length(max=MAX_NAME)]
    )
    timezone = StringField("Time zone (IANA, e.g. America/New_York)", validators=[DataRequired()])
    availability = TextAreaField(
        "Weekly availability in their own time (e.g. Mon 19:00-21:00; Sat 09:30-12:00)",
        validators=[DataRequired(), Length(max=2000)],
    )
    goals = MultiCheckboxField("Goals", choices=[SelectChoice(g) for g in GOALS])
    levels = MultiCheckboxField("Level(s)", choices=[SelectChoice(lv) for lv in LEVELS])
    gender = SelectField(
        "Gender",
        choices=[SelectChoice("", "not given"), *(SelectChoice(g) for g in GENDERS)],
        filters=[_none_if_blank],
        validate_choice=False,  # the service checks, and puts the error by the field
    )
    gender_preference = SelectField(
        "Tutor gender preference (students)",
        choices=[SelectChoice("", "none"), SelectChoice("female"), SelectChoice("male")],
        filters=[_none_if_blank],
        validate_choice=False,
    )
    korean = SelectField(
        "Korean (tutors)",
        choices=[SelectChoice("", "not given"), *(SelectChoice(k) for k in KOREAN_ABILITIES)],
        filters=[_none_if_blank],
        validate_choice=False,
    )
    in_person = BooleanField("Can meet in person in Seoul")
    capacity = IntegerField("Students (tutors: 1 to 3)", validators=[Optional()], default=1)
    note = TextAreaField("Note", validators=[Length(max=MAX_NOTE)])


class RosterDownloadForm(FlaskForm):
    """The roster export: contacts leave the service only with a reason, kept in the audit log."""

    format = RadioField(
        "File format",
        choices=[
            SelectChoice("csv", "CSV (UTF-8, opens in Excel and LibreOffice)"),
            SelectChoice("xlsx", "Excel (.xlsx)"),
        ],
        default="csv",
        validate_choice=False,  # the service refuses an unknown format, next to this field
    )
    include_contacts = BooleanField("Include contact details (emails)")
    reason = TextAreaField("Reason for including contact details (kept in the audit log)")


class PlainDateField(DateField):
    """A date whose parse error is plain English and says the format, whatever the browser's
    language (WTForms would translate its own message)."""

    def process_formdata(self, valuelist: list[str]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError("Give a real date as YYYY-MM-DD, e.g. 2027-09-01.") from None


class PlainIntegerField(IntegerField):
    """A whole number whose parse error is plain English (see PlainDateField)."""

    def process_formdata(self, valuelist: list[str]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError("Give a whole number.") from None


class StartNextForm(FlaskForm):
    """A new semester carrying over the pairs still running in the one it starts from."""

    # Messages spelled out: WTForms would translate its own ones into the browser's language.
    name = StringField(
        "Name of the new semester",
        validators=[
            DataRequired("Give the new semester a name."),
            Length(max=80, message="Keep the name to 80 characters or fewer."),
        ],
    )
    start = PlainDateField("Starts on (YYYY-MM-DD)", validators=[InputRequired("Give a date.")])
    end = PlainDateField("Ends on (YYYY-MM-DD)", validators=[InputRequired("Give a date.")])
    session_minutes = PlainIntegerField(
        f"Session length in minutes ({MIN_SESSION_MINUTES} to {MAX_SESSION_MINUTES})",
        validators=[InputRequired("Give a number of minutes.")],
    )

    def check_follows(self, previous_starts_on: date) -> bool:
        """The next semester starts after the one it comes from; an earlier date is a typo."""
        if self.start.data is not None and self.start.data <= previous_starts_on:
            self.start.errors = [
                *self.start.errors,
                f"The new semester must start after the one it follows ({previous_starts_on}).",
            ]
            return False
        return True
