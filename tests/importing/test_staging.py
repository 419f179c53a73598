"""Staged uploads (names and emails) are gone on confirm, cancel, replacement and within the hour."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from matcher.extensions import db
from matcher.services.files.staging import STAGED_SECONDS, stage, sweep_staged, take_staged

from .files import student, to_csv
from .test_page import confirm, staged_files, token_of, upload, url


@pytest.fixture
def semester(make_semester):
    return make_semester(name="Spring 2027")


@pytest.fixture
def signed_in(client, make_user, login):
    user = make_user()
    login(client, user)
    return user


def age(path: Path, seconds: int) -> None:
    """Make a staged file look ``seconds`` old."""
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_an_upload_left_unconfirmed_is_swept_by_the_next_visit_after_an_hour(
    app, client, semester, signed_in
) -> None:
    upload(client, semester, to_csv([student()]))
    [staged] = staged_files(app)
    age(staged, STAGED_SECONDS - 60)
    client.get(url(semester))
    assert staged_files(app) == [staged]  # not yet an hour
    age(staged, STAGED_SECONDS + 1)
    client.get(url(semester))
    assert staged_files(app) == []


def test_an_expired_upload_cannot_be_confirmed_even_before_any_sweep(
    app, client, semester, signed_in
) -> None:
    preview = upload(client, semester, to_csv([student()]))
    [staged] = staged_files(app)
    age(staged, STAGED_SECONDS + 1)
    response = confirm(client, semester, token_of(preview))
    assert response.status_code == 409 and "expired" in response.text
    assert staged_files(app) == []


def test_a_new_preview_replaces_the_unconfirmed_one(app, client, semester, signed_in) -> None:
    first = upload(client, semester, to_csv([student()]))
    second = upload(client, semester, to_csv([student()]))
    [staged] = staged_files(app)
    assert staged.name == token_of(second) != token_of(first)


def test_a_refused_confirm_deletes_the_upload(
    app, client, semester, signed_in, make_semester
) -> None:
    upload(client, semester, to_csv([student()]))
    other = make_semester(name="Autumn 2027")
    db.session.commit()
    response = client.post(url(other, "/confirm"), data={"token": "x" * 32})
    assert response.status_code == 409
    assert staged_files(app) == []


def test_purge_sweeps_expired_uploads_even_with_nothing_else_to_purge(app, runner) -> None:
    fresh = stage(app.instance_path, b"role,email\nstudent,a@example.org\n")
    old = stage(app.instance_path, b"role,email\nstudent,b@example.org\n")
    folder = Path(app.instance_path) / "imports"
    age(folder / old, STAGED_SECONDS + 1)
    dry = runner.invoke(args=["purge", "--older-than", "12", "--dry-run"])
    assert "Would delete 1 uploaded file previewed but not imported within 60 minutes" in dry.output
    assert len(list(folder.iterdir())) == 2
    result = runner.invoke(args=["purge", "--older-than", "12", "--yes"])
    assert result.exit_code == 0, result.output
    assert "Deleted 1 uploaded file" in result.output
    assert [path.name for path in folder.iterdir()] == [fresh]


def test_taking_a_staged_upload_deletes_it_and_odd_tokens_are_refused(app) -> None:
    token = stage(app.instance_path, b"data")
    assert take_staged(app.instance_path, "../" + token) is None
    assert take_staged(app.instance_path, token) == b"data"
    assert take_staged(app.instance_path, token) is None
    assert sweep_staged(app.instance_path) == 0


def test_purge_uploads_only_sweeps_and_purges_no_semester(app, runner) -> None:
    old = stage(app.instance_path, b"role,email\nstudent,c@example.org\n")
    age(Path(app.instance_path) / "imports" / old, STAGED_SECONDS + 1)
    result = runner.invoke(args=["purge", "--uploads-only"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Deleted 1 uploaded file")
    assert list((Path(app.instance_path) / "imports").iterdir()) == []
    refused = runner.invoke(args=["purge", "--uploads-only", "--semester", "Spring 2026"])
    assert refused.exit_code == 2 and "purges no semester" in refused.output
