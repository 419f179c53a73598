"""Numbers in URLs stop at the largest id the database can hold.

Werkzeug's ``<int:…>`` accepts any length of digits; PostgreSQL's ``integer`` column refuses a
value past 2³¹−1 with an error, which surfaced as a 500 for a URL like
``/dashboard/semesters/1000000000000``. Such a URL names nothing, so it is a 404 like any
other unknown id.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from werkzeug.routing import IntegerConverter, Map

from matcher.models.base import LARGEST_ROW_ID


class RowIdConverter(IntegerConverter):
    def __init__(self, url_map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", LARGEST_ROW_ID)
        super().__init__(url_map, *args, **kwargs)


def install(app: Flask) -> None:
    """Before any blueprint adds its rules: a rule takes its converter when it is added."""
    app.url_map.converters["int"] = RowIdConverter
