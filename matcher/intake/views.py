"""Public pages: what LELP Match is, and (when a semester takes sign-ups) where to apply."""

from __future__ import annotations

from flask import Blueprint, render_template

from matcher.services.semesters import intake_semester

blueprint = Blueprint("intake", __name__)


@blueprint.get("/")
def home() -> str:
    return render_template("intake/home.html", semester=intake_semester())


@blueprint.get("/healthz")
def health() -> tuple[dict[str, str], int]:
    return {"status": "ok"}, 200
