"""Dashboard forms; plain English, since coordinators are program staff."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, Length


class ConfirmForm(FlaskForm):
    """A button-only form: its CSRF token is the whole point."""


class CreateAccountForm(FlaskForm):
    email = StringField("Email", validators=[DataRequired(), Length(max=254)])
    name = StringField("Name (a pseudonym is fine)", validators=[DataRequired(), Length(max=80)])
    admin = BooleanField("Admin (can manage accounts)")
