"""Hostile files on every path that reads them: `applicants import`, `match preview`, the upload page.

Each path refuses the issue's hostile workbooks with the reader's message, and a file of 20,000
duplicate rows gets a refusal of bounded size: never more than 64 kB, however many rows are bad.
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from applicant_file import hostile
from sqlalchemy import select

from matcher.extensions import db
from matcher.models import Applicant

from .test_page import upload

REFUSAL_LIMIT = 64 * 1024
DUPLICATES = 20_000


@pytest.fixture
def semester(make_semester):
    return make_semester(name="Spring 2027")


@pytest.fixture
def signed_in(client, make_user, login):
    user = make_user()
    login(client, user)
    return user


@pytest.fixture
def run_import(runner, semester):
    def run(path, *extra: str):
        db.session.commit()
        result = runner.invoke(
            args=["applicants", "import", "--semester", "Spring 2027", *extra, str(path)]
        )
        db.session.expire_all()
        return result

    return run


@pytest.fixture(scope="module")
def duplicates() -> bytes:
    return hostile.duplicate_email_csv(DUPLICATES)


def stored() -> list[Applicant]:
    return list(db.session.scalars(select(Applicant)))


HOSTILE = [
    pytest.param(hostile.declared_giant, "Row 1,048,576 has data", id="declared-giant"),
    pytest.param(lambda: hostile.bomb_part(17), "unpacks to 17.0 MB", id="zip-bomb"),
    pytest.param(
        lambda: hostile.one_row_of_many_cells(20_000), "more than 16,384 cells", id="wide-row"
    ),
]


@pytest.mark.parametrize(("build", "message"), HOSTILE)
def test_the_cli_import_refuses_hostile_workbooks(tmp_path, run_import, build, message) -> None:
    path = tmp_path / "spring.xlsx"
    path.write_bytes(build())
    result = run_import(path)
    assert result.exit_code == 1
    assert message in result.output
    assert stored() == []


@pytest.mark.parametrize(("build", "message"), HOSTILE)
def test_match_preview_refuses_hostile_workbooks(runner, tmp_path, build, message) -> None:
    path = tmp_path / "spring.xlsx"
    path.write_bytes(build())
    result = runner.invoke(
        args=["match", "preview", str(path), "--start", "2027-03-02", "--end", "2027-06-19"]
    )
    assert result.exit_code == 1
    assert message in result.output


@pytest.mark.parametrize(("build", "message"), HOSTILE)
def test_the_upload_page_refuses_hostile_workbooks(
    client, semester, signed_in, build, message
) -> None:
    response = upload(client, semester, build(), "spring.xlsx")
    assert response.status_code == 400
    assert message in response.text
    assert stored() == []


def test_the_row_limit_comes_from_the_config_and_the_cli_option(
    app, runner, tmp_path, run_import, client, semester, signed_in
) -> None:
    path = tmp_path / "spring.csv"
    path.write_bytes(hostile.duplicate_email_csv(30))
    assert "at most 20 applicants" in run_import(path, "--max-rows", "20").output
    preview = ["match", "preview", str(path), "--start", "2027-03-02", "--end", "2027-06-19"]
    assert "at most 20 applicants" in runner.invoke(args=[*preview, "--max-rows", "20"]).output
    app.config["IMPORT_MAX_ROWS"] = 25
    assert "at most 25 applicants" in run_import(path).output
    assert "at most 25 applicants" in runner.invoke(args=preview).output
    assert "at most 25 applicants" in upload(client, semester, path.read_bytes()).text


def test_a_cli_refusal_of_twenty_thousand_duplicates_stays_short(
    tmp_path, run_import, duplicates
) -> None:
    path = tmp_path / "spring.csv"
    path.write_bytes(duplicates)
    result = run_import(path)
    assert result.exit_code == 1
    assert len(result.output.encode()) < REFUSAL_LIMIT
    assert "… and 19,950 more problems in 19,950 rows." in result.output
    assert "Add --rejected FILE" in result.output
    assert stored() == []
    dry = run_import(path, "--dry-run", "--rejected", str(tmp_path / "problems.csv"))
    assert "Add --rejected FILE (without --dry-run" in dry.output
    assert not (tmp_path / "problems.csv").exists()


def test_the_full_list_goes_to_the_rejected_file_on_request(
    tmp_path, run_import, duplicates
) -> None:
    path, rejected = tmp_path / "spring.csv", tmp_path / "problems.csv"
    path.write_bytes(duplicates)
    result = run_import(path, "--rejected", str(rejected))
    assert result.exit_code == 1
    assert len(result.output.encode()) < REFUSAL_LIMIT
    assert f"Wrote the {DUPLICATES} rows with problems, with their reasons, to {rejected}" in (
        result.output
    )
    rows = list(csv.DictReader(io.StringIO(rejected.read_text(encoding="utf-8-sig"))))
    assert len(rows) == DUPLICATES
    assert rows[-1]["reason"].startswith("email: the same student email is on rows 2, 3,")
    assert stored() == []


def test_match_preview_refusal_of_twenty_thousand_duplicates_stays_short(
    runner, tmp_path, duplicates
) -> None:
    path = tmp_path / "spring.csv"
    path.write_bytes(duplicates)
    result = runner.invoke(
        args=["match", "preview", str(path), "--start", "2027-03-02", "--end", "2027-06-19"]
    )
    assert result.exit_code == 1
    assert len(result.output.encode()) < REFUSAL_LIMIT
    assert "… and 19,950 more problems" in result.output
    assert "20,000 problems in 20,000 rows; nothing was matched" in result.output


@pytest.mark.parametrize("skip_invalid", [False, True])
def test_the_page_for_twenty_thousand_duplicates_stays_short(
    client, semester, signed_in, duplicates, skip_invalid
) -> None:
    fields = {"skip_invalid": "y"} if skip_invalid else {}
    response = upload(client, semester, duplicates, **fields)
    assert response.status_code == 422  # with skip_invalid too: no row is left to import
    assert len(response.data) < REFUSAL_LIMIT
    assert "19,980 more rows with problems (only the first 20 are listed)" in response.text
    assert response.text.count("and 19,990 more; keep only one") == 20
    assert stored() == []


def test_the_page_parses_the_file_with_no_transaction_open(
    monkeypatch, client, semester, signed_in
) -> None:
    """Parsing is the slow part; on SQLite an open transaction may hold the write lock."""
    import matcher.coordinator.imports as page

    open_while_parsing: list[bool] = []
    real = page.read_applicant_file

    def spy(*args, **kwargs):
        open_while_parsing.append(db.session().in_transaction())
        return real(*args, **kwargs)

    monkeypatch.setattr(page, "read_applicant_file", spy)
    preview = upload(client, semester, hostile.duplicate_email_csv(1))
    assert preview.status_code == 200, preview.text
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', preview.text).group(1)
    done = client.post(f"/dashboard/semesters/{semester.id}/import/confirm", data={"token": token})
    assert done.status_code == 200, done.text
    assert open_while_parsing == [False, False]
