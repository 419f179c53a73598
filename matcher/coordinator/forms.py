"""Dashboard forms; plain English, since coordinators are program staff."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from matcher.models.applicant import GENDERS, GOALS, KOREAN_ABILITIES, LEVELS


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
    display_name = StringField("Name or pseudonym", validators=[DataRequired(), Length(max=80)])
    timezone = StringField("Time zone (IANA, e.g. America/New_York)", validators=[DataRequired()])
    availability = TextAreaField(
        "Weekly availability in their own time (e.g. Mon 19:00-21:00; Sat 09:30-12:00)",
        validators=[DataRequired(), Length(max=2000)],
    )
    goals = MultiCheckboxField("Goals", choices=[(g, g) for g in GOALS])
    levels = MultiCheckboxField("Level(s)", choices=[(lv, lv) for lv in LEVELS])
    gender = SelectField(
        "Gender",
        choices=[("", "not given"), *((g, g) for g in GENDERS)],
        filters=[_none_if_blank],
        validate_choice=False,  # the service checks, and puts the error by the field
    )
    gender_preference = SelectField(
        "Tutor gender preference (students)",
        choices=[("", "none"), ("female", "female"), ("male", "male")],
        filters=[_none_if_blank],
        validate_choice=False,
    )
    korean = SelectField(
        "Korean (tutors)",
        choices=[("", "not given"), *((k, k) for k in KOREAN_ABILITIES)],
        filters=[_none_if_blank],
        validate_choice=False,
    )
    in_person = BooleanField("Can meet in person in Seoul")
    capacity = IntegerField("Students (tutors: 1 to 3)", validators=[Optional()], default=1)
    note = TextAreaField("Note", validators=[Length(max=500)])
