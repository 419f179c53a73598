"""An app for the intake tests: no minimum fill time unless a test asks for one."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from flask import Flask

from matcher.extensions import db

from .catalog import ensure_compiled

ensure_compiled()


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Iterator[Flask]:
    application = make_app(INTAKE_MIN_FILL_SECONDS=0)
    yield application
    with application.app_context():  # close its connections
        db.engine.dispose()
