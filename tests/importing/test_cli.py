"""`flask applicants import`: what a coordinator sees on the terminal, and what ends up stored."""

from __future__ import annotations

import csv
import io
import stat

import pytest
from sqlalchemy import func, select

from matcher.applicant_file import read_applicant_file
from matcher.cli.applicants import _progress
from matcher.extensions import db
from matcher.models import Applicant, AuditEvent

from .files import HEADER, student, to_csv, to_xlsx, tutor


@pytest.fixture
def semester(make_semester):
    return make_semester(name="Spring 2027")


@pytest.fixture
def coordinator(make_user):
    return make_user(email="lead.coordinator@example.org")


@pytest.fixture
def run_import(runner, semester, coordinator):
    def run(path, *extra: str, by: str = "lead.coordinator@example.org"):
        db.session.commit()
        args = ["applicants", "import", "--semester", "Spring 2027", str(path)]
        if by:
            args += ["--by", by]
        result = runner.invoke(args=[*args, *extra])
        db.session.expire_all()
        return result

    return run


def stored() -> list[Applicant]:
    return list(db.session.scalars(select(Applicant).order_by(Applicant.id)))


def audit_rows() -> int:
    return db.session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "applicants.import")
    )


def test_a_clean_file_is_imported_and_summarised(tmp_path, run_import, coordinator) -> None:
    path = tmp_path / "spring.csv"
    path.write_bytes(to_csv([student(), student(), tutor()]))
    result = run_import(path)
    assert result.exit_code == 0, result.output
    assert "Read spring.csv (CSV, UTF-8): 3 rows." in result.output
    assert "3 new applicants added as approved, 0 already in the semester updated" in result.output
    people = stored()
    assert len(people) == 3
    assert {(p.status, p.consent_source, p.imported_by_id) for p in people} == {
        ("approved", "import", coordinator.id)
    }
    assert audit_rows() == 1


def test_status_pending_and_updates_are_reported(
    tmp_path, run_import, semester, make_student
) -> None:
    make_student(semester, email="back.again@example.org")
    path = tmp_path / "spring.csv"
    path.write_bytes(to_csv([student(email="back.again@example.org"), tutor()]))
    result = run_import(path, "--status", "pending")
    assert result.exit_code == 0, result.output
    assert "1 new applicant added as pending, 1 already in the semester updated" in result.output
    assert sorted(p.status for p in stored()) == ["approved", "pending"]


def test_every_error_is_listed_at_once_and_nothing_is_written(tmp_path, run_import) -> None:
    path = tmp_path / "spring.csv"
    rows = [
        student(),
        student(timezone="Asia/Sole"),
        tutor(capacity="4", goals="cooking"),
        student(availability="Tue 18:45-20:00"),
    ]
    path.write_bytes(to_csv(rows))
    result = run_import(path)
    assert result.exit_code == 1
    assert "Problems in 3 rows:" in result.output
    for where in ("row 3, timezone:", "row 4, goals:", "row 4, capacity:", "row 5, availability:"):
        assert where in result.output
    assert "nothing was imported" in result.output and "--skip-invalid" in result.output
    assert stored() == [] and audit_rows() == 0
    assert not (tmp_path / "spring.rejected.csv").exists()


def test_an_unknown_column_is_named_even_when_rows_are_refused(tmp_path, run_import) -> None:
    """A misspelt column is why rows fail more often than not: say so with the refusal."""
    path = tmp_path / "spring.csv"
    rows = [student(favourite_colour="blue"), student(availability="Mon 19:10-21:00")]
    path.write_bytes(to_csv(rows, (*HEADER, "favourite_colour")))
    result = run_import(path)
    assert result.exit_code == 1
    assert 'Ignored unknown column: "favourite_colour".' in result.output
    assert "row 3, availability:" in result.output and stored() == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty"),
        (to_csv([]), "header row but no applicants"),
        (b"role,display_name\nstudent,\xff\xfe\xfd\xfc\x80\n", 'Save As → "CSV UTF-8'),
    ],
    ids=["empty", "header-only", "not-utf8-nor-cp949"],
)
def test_a_file_that_cannot_be_read_is_refused(tmp_path, run_import, content, message) -> None:
    path = tmp_path / "spring.csv"
    path.write_bytes(content)
    result = run_import(path)
    assert result.exit_code == 1
    assert message in result.output
    assert stored() == []


def test_a_missing_column_is_named(tmp_path, run_import) -> None:
    path = tmp_path / "spring.csv"
    path.write_bytes(to_csv([student()], tuple(h for h in HEADER if h != "goals")))
    result = run_import(path, "--skip-invalid")
    assert result.exit_code == 1
    assert 'row 1, goals: the required column "goals" is missing' in result.output
    assert "header row has problems" in result.output
    assert stored() == []


def test_an_over_limit_file_is_refused_before_reading(tmp_path, app, run_import) -> None:
    app.config["IMPORT_MAX_BYTES"] = 1000
    path = tmp_path / "spring.csv"
    path.write_bytes(to_csv([student() for _ in range(20)]))
    result = run_import(path)
    assert result.exit_code == 1
    assert "over the limit of 1000 bytes" in result.output
    assert stored() == []


def test_skip_invalid_imports_the_good_rows_and_writes_the_rest_with_reasons(
    tmp_path, run_import
) -> None:
    good = [student(), tutor()]
    bad = [student(timezone="Mars/Olympus"), tutor(capacity="0")]
    path = tmp_path / "spring.csv"
    path.write_bytes(to_csv([bad[0], good[0], bad[1], good[1]]))
    result = run_import(path, "--skip-invalid")
    assert result.exit_code == 0, result.output
    assert [p.email for p in stored()] == [r["email"] for r in good]
    assert "2 rows rejected" in result.output
    rejected = tmp_path / "spring.rejected.csv"
    assert f"to {rejected}" in result.output
    assert stat.S_IMODE(rejected.stat().st_mode) == 0o600  # it holds names and emails
    lines = list(csv.DictReader(io.StringIO(rejected.read_text(encoding="utf-8-sig"))))
    assert [line["email"] for line in lines] == [r["email"] for r in bad]
    assert "timezone:" in lines[0]["reason"] and "capacity:" in lines[1]["reason"]
    # Fixed and imported again, the rejected file is accepted as it is (the reason column is ignored).
    fixed = rejected.read_text(encoding="utf-8-sig").replace("Mars/Olympus", "Asia/Seoul")
    fixed_path = tmp_path / "fixed.csv"
    fixed_path.write_text(fixed.replace(",0,", ",1,"), encoding="utf-8")
    again = run_import(fixed_path)
    assert again.exit_code == 0, again.output
    assert len(stored()) == 4


def test_rejected_rows_go_where_asked(tmp_path, run_import) -> None:
    path = tmp_path / "spring.xlsx"
    path.write_bytes(to_xlsx([student(), student(goals="knitting")]))
    target = tmp_path / "to-fix.csv"
    result = run_import(path, "--skip-invalid", "--rejected", str(target))
    assert result.exit_code == 0, result.output
    assert "Excel workbook" in result.output
    assert "knitting" in target.read_text(encoding="utf-8-sig")
    assert not (tmp_path / "spring.rejected.csv").exists()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--max-rows", "0"], "Invalid value for '--max-rows'"),
        (["--status", "withdrawn"], "Invalid value for '--status'"),
    ],
)
def test_option_mistakes_are_usage_errors(tmp_path, run_import, extra, message) -> None:
    path = tmp_path / "spring.csv"
    path.write_bytes(to_csv([student()]))
    result = run_import(path, *extra)
    assert result.exit_code == 2
    assert message in result.output
    assert stored() == []


def test_the_rejected_file_may_not_overwrite_the_input(tmp_path, run_import) -> None:
    path = tmp_path / "spring.csv"
    original = to_csv([student(), student(level="expert")])
    path.write_bytes(original)
    result = run_import(path, "--skip-invalid", "--rejected", str(path))
    assert result.exit_code == 2
    assert path.read_bytes() == original


def test_a_named_importer_must_be_an_existing_account(tmp_path, run_import) -> None:
    path = tmp_path / "spring.csv"
    path.write_bytes(to_csv([student()]))
    unknown = run_import(path, by="nobody@example.org")
    assert unknown.exit_code == 1 and "No active coordinator account" in unknown.output
    assert stored() == []


def test_without_by_the_import_is_recorded_as_from_the_command_line(tmp_path, run_import) -> None:
    """The issue's command has no --by: it must work as written, and say who did it in the audit."""
    path = tmp_path / "spring.csv"
    path.write_bytes(to_csv([student(), tutor()]))
    result = run_import(path, by="")
    assert result.exit_code == 0, result.output
    people = stored()
    assert len(people) == 2
    assert all(p.consent_source == "import" and p.imported_by_id is None for p in people)
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "applicants.import")
    ).one()
    assert event.actor == "cli" and event.detail["imported_by"] == "cli"


def test_a_dry_run_writes_nothing_at_all(tmp_path, run_import) -> None:
    path = tmp_path / "spring.csv"
    path.write_bytes(to_csv([student(), tutor(), tutor(gender_preference="female")]))
    result = run_import(path, "--dry-run", "--skip-invalid")
    assert result.exit_code == 0, result.output
    assert "2 new applicants would be added as approved" in result.output
    assert "row 4, gender_preference:" in result.output
    assert "Would write the 1 rejected rows" in result.output
    assert "Dry run: nothing was written." in result.output
    assert stored() == [] and audit_rows() == 0
    assert not (tmp_path / "spring.rejected.csv").exists()


def test_a_dry_run_of_a_bad_file_fails_like_the_real_thing(tmp_path, run_import) -> None:
    path = tmp_path / "spring.csv"
    path.write_bytes(to_csv([student(), student(availability="Mon 19:00-19:00")]))
    result = run_import(path, "--dry-run")
    assert result.exit_code == 1
    assert "row 3, availability:" in result.output and "nothing was imported" in result.output


def test_a_closed_semester_is_refused(tmp_path, run_import, semester) -> None:
    semester.status = "closed"
    path = tmp_path / "spring.csv"
    path.write_bytes(to_csv([student()]))
    result = run_import(path)
    assert result.exit_code == 1 and "is closed" in result.output
    assert stored() == []


def test_a_cp949_file_is_read_and_said_so(tmp_path, run_import) -> None:
    path = tmp_path / "spring.csv"
    path.write_bytes(to_csv([student(display_name="박새봄*"), tutor()], encoding="cp949"))
    result = run_import(path)
    assert result.exit_code == 0, result.output
    assert "(CSV, CP949)" in result.output and "read as CP949" in result.output
    assert stored()[0].display_name == "박새봄*"


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_long_file_gets_a_progress_bar_on_a_terminal(monkeypatch) -> None:
    rows = [student() for _ in range(1200)]
    result = read_applicant_file(to_csv(rows), "long.csv")
    terminal = _Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    with _progress(result) as advance:
        assert advance is not None
        advance(1000)
        advance(200)
    assert "Importing" in terminal.getvalue() and "100%" in terminal.getvalue()
    short = read_applicant_file(to_csv(rows[:10]), "short.csv")
    with _progress(short) as advance:
        assert advance is None
