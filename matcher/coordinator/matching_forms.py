"""The matching page's forms: a run's parameters, and the actions on pairs and exclusions.

They only carry what was sent: the services decide what is allowed and say why not, and the
view puts that next to the field (or in a message). No form checks a CSRF token itself:
``CSRFProtect`` has already refused any POST without a valid one before a view runs.
"""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import Field, Form, SelectMultipleField, StringField
from wtforms.validators import ValidationError

from matcher.matching.people import Weights
from matcher.services.errors import DomainError
from matcher.services.pairs.actions import pair_choice
from matcher.services.pairs.matching import WEIGHT_NAMES, weights_from


def _stripped(value: str | None) -> str:
    return (value or "").strip()


class TextField(StringField):
    """The text as sent, or "" when the field was not sent at all: never None."""

    data: str

    def __init__(self, label: str | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("default", "")
        super().__init__(label, **kwargs)


class VersionField(Field):
    """The pair's version as the page showed it; anything but a short number reads as unknown."""

    data: int | None

    def process_formdata(self, valuelist: list[Any]) -> None:
        text = valuelist[0] if valuelist else ""
        self.data = int(text) if text.isdecimal() and len(text) < 10 else None


class ActionForm(FlaskForm):
    """Every action may carry ``back``: the dashboard page to return to (checked by the view)."""

    class Meta:
        csrf = False  # CSRFProtect checks every POST (see the module docstring)

    back = StringField()


def _whole_minutes(_form: Form, field: Field) -> None:
    if field.data and not field.data.isdecimal():
        raise ValidationError("Session length is a whole number of minutes.")


def _weight(_form: Form, field: Field) -> None:
    """Each weight alone, so every wrong one is named at once rather than the first only."""
    if field.data:
        try:
            weights_from({field.name: field.data})
        except DomainError as error:
            raise ValidationError(error.message) from None


class RunForm(ActionForm):
    """A run's session length and weights, as typed (blank means the semester's or default)."""

    session_minutes = TextField(filters=[_stripped], validators=[_whole_minutes])

    def values(self) -> dict[str, str]:
        """What was typed, to show again or to carry from the preview to the saved run."""
        return {
            **{name: self[name].data for name in WEIGHT_NAMES},
            "session_minutes": self.session_minutes.data,
        }

    def problems(self) -> dict[str, str]:
        """Every problem by field name, the session length first; empty when all is well."""
        self.validate()
        return {name: errors[0] for name, errors in self.errors.items() if name != "back"}

    def minutes(self) -> int | None:
        return int(self.session_minutes.data) if self.session_minutes.data else None

    def weights(self) -> Weights:
        """Only once ``problems()`` is empty: the defaults, changed where a weight was typed."""
        return weights_from({name: self[name].data for name in WEIGHT_NAMES if self[name].data})


for _name in WEIGHT_NAMES:
    setattr(RunForm, _name, TextField(filters=[_stripped], validators=[_weight]))


class PairActionForm(ActionForm):
    """Lock, unlock, end or exclude one pair, as of the version the page showed."""

    version = VersionField()
    reason = TextField()


class ExcludeForm(ActionForm):
    """Never propose this student with this tutor (ids as typed; the service finds them)."""

    student = TextField()
    tutor = TextField()
    reason = TextField()


class ManualPairForm(ActionForm):
    """Pair two people by hand; ``override`` is exactly "yes" to pass the hard rules."""

    student = TextField()
    tutor = TextField()
    override = StringField()
    note = StringField()

    def overrides(self) -> bool:
        return self.override.data == "yes"


class ConfirmPairsForm(ActionForm):
    """Confirm all pairs (``all`` is "yes"), or the ticked ones as "<pair id>:<version seen>"."""

    all = StringField()
    selected = SelectMultipleField(validate_choice=False)

    def everything(self) -> bool:
        return self.all.data == "yes"

    def chosen(self) -> list[tuple[str, int | None]]:
        """Raises ``DomainError`` for a version no page could have shown."""
        return [pair_choice(value) for value in self.selected.data or []]
