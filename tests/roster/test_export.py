"""`flask roster export` on a real database: the file, the printed id, the audit row, the errors."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import UTC, datetime

import openpyxl
import pytest
from sqlalchemy import select

from matcher.extensions import db
from matcher.models import AuditEvent, Match
from matcher.services.errors import DomainError
from matcher.services.files.roster import export_roster

from .sample import CONTRACT_HEADER, CONTRACT_HEADER_WITH_CONTACTS, FORMULA_PAYLOADS

CONFIRMED_AT = datetime(2027, 3, 9, 1, 0, tzinfo=UTC)


@pytest.fixture
def roster_semester(make_semester, make_student, make_tutor, make_user):
    """A semester with every kind of roster line, and a coordinator who confirmed the pairs."""
    semester = make_semester(name="Spring 2027")
    coordinator = make_user(name="Kay*", email="kay@example.org")
    matched_student = make_student(semester, display_name="하늘*")
    matched_tutor = make_tutor(semester, display_name="Tutor Bee")
    ended_student = make_student(semester, display_name="Chan*")
    ended_tutor = make_tutor(semester, display_name="Tutor Cy")
    proposed_student = make_student(semester, display_name="Dal*")
    proposed_tutor = make_tutor(semester, display_name="Tutor Dee")
    dropped_student = make_student(semester, display_name="Ima*")
    dropped_tutor = make_tutor(semester, display_name="Tutor Jo")
    make_student(semester, display_name="Eun*")  # approved, never paired
    make_student(semester, display_name="Fay*", status="withdrawn")
    make_tutor(semester, display_name="Gil (pending)", status="pending")
    db.session.add_all(
        [
            Match(
                semester_id=semester.id,
                student_id=matched_student.id,
                tutor_id=matched_tutor.id,
                status="confirmed",
                score=8.5,
                shared_goals="conversation",
                windows_seoul="Thu 09:00-10:00",
                windows_student_local="Thu 09:00-10:00",
                windows_tutor_local="Wed 20:00-21:00",
                confirmed_at=CONFIRMED_AT,
                confirmed_by_id=coordinator.id,
            ),
            Match(
                semester_id=semester.id,
                student_id=ended_student.id,
                tutor_id=ended_tutor.id,
                status="ended",
                confirmed_at=CONFIRMED_AT,
                confirmed_by_id=coordinator.id,
                ended_at=datetime(2027, 4, 1, tzinfo=UTC),
                end_reason="student moved to Busan",
            ),
            Match(
                semester_id=semester.id,
                student_id=proposed_student.id,
                tutor_id=proposed_tutor.id,
                status="proposed",
            ),
            Match(  # a proposal a coordinator excluded: never agreed, so never an ended pair
                semester_id=semester.id,
                student_id=dropped_student.id,
                tutor_id=dropped_tutor.id,
                status="ended",
                ended_at=datetime(2027, 3, 5, tzinfo=UTC),
                end_reason="excluded by a coordinator",
            ),
        ]
    )
    db.session.commit()
    return semester


def run_export(runner, tmp_path, *args: str, name: str = "roster.csv"):
    target = tmp_path / name
    result = runner.invoke(
        args=["roster", "export", "--semester", "Spring 2027", "-o", str(target), *args]
    )
    return result, target


def printed_export_id(output: str) -> str:
    match = re.search(r"Export id: (EXP-[23456789A-HJ-NP-Z]{10})\b", output)
    assert match, output
    return match.group(1)


def export_events() -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "roster.export")))


def test_csv_export_writes_the_contract_and_audits_the_export_id(
    roster_semester, runner, tmp_path
) -> None:
    result, target = run_export(runner, tmp_path, "--format", "csv")
    assert result.exit_code == 0, result.output
    export_id = printed_export_id(result.output)
    reader = csv.DictReader(io.StringIO(target.read_bytes().decode("utf-8-sig"), newline=""))
    records = list(reader)
    assert reader.fieldnames == CONTRACT_HEADER
    assert {r["export_id"] for r in records} == {export_id}
    by_section = {(r["section"], r["student_name"] or r["tutor_name"]) for r in records}
    assert by_section == {
        ("matched", "하늘*"),
        ("ended", "Chan*"),
        ("unmatched", "Chan*"),  # the pair ended: no pair now
        ("unmatched", "Tutor Cy"),
        ("unmatched", "Dal*"),  # only proposed, never confirmed
        ("unmatched", "Tutor Dee"),
        ("unmatched", "Ima*"),  # their proposal was excluded before anyone confirmed it
        ("unmatched", "Tutor Jo"),
        ("unmatched", "Eun*"),
        ("withdrawn", "Fay*"),
    }
    matched = next(r for r in records if r["section"] == "matched")
    assert matched["confirmed_by"] == "Kay*"
    assert matched["score"] == "8.50"  # two decimals, as match preview prints scores
    assert matched["student_id"].startswith("S-") and matched["tutor_id"].startswith("T-")
    assert matched["pair_id"].startswith("P-")
    assert matched["confirmed_at"] == "2027-03-09T10:00+09:00"
    assert next(r for r in records if r["section"] == "ended")["end_reason"] == (
        "student moved to Busan"
    )
    [event] = export_events()
    assert event.actor == "cli"
    assert event.target == f"semester:{roster_semester.id}"
    assert event.detail["export_id"] == export_id
    assert event.detail["format"] == "csv"
    assert event.detail["contacts"] is False
    assert event.detail["reason"] is None


def test_no_email_anywhere_without_contacts(roster_semester, runner, tmp_path) -> None:
    for fmt in ("csv", "xlsx"):
        result, target = run_export(runner, tmp_path, "--format", fmt, name=f"r.{fmt}")
        assert result.exit_code == 0, result.output
        data = target.read_bytes()
        if fmt == "csv":
            assert b"@" not in data
            assert b"example.org" not in data
        else:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                for member in archive.namelist():
                    assert b"example.org" not in archive.read(member), member


def test_contacts_with_a_reason_adds_emails_and_audits_the_reason(
    roster_semester, runner, tmp_path
) -> None:
    result, target = run_export(
        runner, tmp_path, "--include-contacts", "--reason", "hiking day invitations"
    )
    assert result.exit_code == 0, result.output
    reader = csv.DictReader(io.StringIO(target.read_bytes().decode("utf-8-sig"), newline=""))
    records = list(reader)
    assert reader.fieldnames == CONTRACT_HEADER_WITH_CONTACTS
    matched = next(r for r in records if r["section"] == "matched")
    assert re.fullmatch(r"student\d+@example\.org", matched["student_email"])
    assert re.fullmatch(r"tutor\d+@example\.org", matched["tutor_email"])
    assert "kay@example.org" not in target.read_text(encoding="utf-8-sig")
    [event] = export_events()
    assert event.detail["contacts"] is True
    assert event.detail["reason"] == "hiking day invitations"
    assert event.detail["export_id"] == printed_export_id(result.output)


@pytest.mark.parametrize("reason_args", [[], ["--reason", "   "]])
def test_contacts_without_a_reason_is_refused_and_writes_nothing(
    roster_semester, runner, tmp_path, reason_args
) -> None:
    result, target = run_export(runner, tmp_path, "--include-contacts", *reason_args)
    assert result.exit_code != 0
    assert "--reason" in result.output
    assert not target.exists()
    assert not [p.name for p in tmp_path.iterdir() if p.suffix in (".csv", ".tmp")]
    assert export_events() == []


def test_the_service_refuses_contacts_without_a_reason_too(roster_semester) -> None:
    with pytest.raises(DomainError) as raised:
        export_roster(roster_semester, "csv", include_contacts=True, reason=" \t", actor="test")
    assert raised.value.field == "reason"


def test_unknown_semester_is_a_clear_error(roster_semester, runner, tmp_path) -> None:
    target = tmp_path / "x.csv"
    result = runner.invoke(args=["roster", "export", "--semester", "Nope", "-o", str(target)])
    assert result.exit_code != 0
    assert "No semester is called 'Nope'" in result.output
    assert not target.exists()
    assert export_events() == []


def test_format_is_taken_from_the_file_name_or_asked_for(roster_semester, runner, tmp_path) -> None:
    result, target = run_export(runner, tmp_path, name="roster.xlsx")
    assert result.exit_code == 0, result.output
    workbook = openpyxl.load_workbook(target)
    assert workbook.properties.identifier == printed_export_id(result.output)
    result, _ = run_export(runner, tmp_path, name="roster.txt")
    assert result.exit_code != 0
    assert "--format" in result.output


def test_every_export_gets_its_own_id(roster_semester, runner, tmp_path) -> None:
    first, _ = run_export(runner, tmp_path, name="a.csv")
    second, _ = run_export(runner, tmp_path, name="b.csv")
    assert printed_export_id(first.output) != printed_export_id(second.output)
    assert len(export_events()) == 2


def test_formula_names_from_the_database_are_inert(
    make_semester, make_student, make_tutor, runner, tmp_path
) -> None:
    semester = make_semester(name="Spring 2027")
    for payload in FORMULA_PAYLOADS:
        make_student(semester, display_name=payload)
        make_tutor(semester, display_name=payload)
    db.session.commit()
    result, target = run_export(runner, tmp_path, name="r.csv")
    assert result.exit_code == 0, result.output
    records = list(csv.DictReader(io.StringIO(target.read_bytes().decode("utf-8-sig"), newline="")))
    names = {r["student_name"] or r["tutor_name"] for r in records}
    assert names == {"'" + payload for payload in FORMULA_PAYLOADS}
    result, target = run_export(runner, tmp_path, name="r.xlsx")
    workbook = openpyxl.load_workbook(target)
    cells = [c for sheet in workbook.worksheets for row in sheet.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert "'" + FORMULA_PAYLOADS[0] in {c.value for c in cells}
