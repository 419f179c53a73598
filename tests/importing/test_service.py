"""The import service: all rows or none, updates counted apart, refusals, audit with counts only."""

from __future__ import annotations

import unicodedata

import pytest
from sqlalchemy import func, select

from matcher.applicant_file import read_applicant_file
from matcher.extensions import db
from matcher.models import Applicant, AuditEvent, Match
from matcher.services.errors import DomainError
from matcher.services.files.importing import InvalidRows, describe, import_applicants

from .files import HEADER, student, to_csv, to_xlsx, tutor


@pytest.fixture
def coordinator(make_user):
    return make_user()


@pytest.fixture
def do_import(coordinator):
    def run(semester, data: bytes, filename: str = "spring.csv", **options):
        options.setdefault("status", "approved")
        return import_applicants(
            semester,
            read_applicant_file(data, filename),
            imported_by=coordinator,
            notice_version="2026-11",
            actor="test",
            **options,
        )

    return run


def applicants(semester) -> list[Applicant]:
    return list(
        db.session.scalars(
            select(Applicant).where(Applicant.semester_id == semester.id).order_by(Applicant.id)
        )
    )


def audit_count(action: str = "applicants.import") -> int:
    return db.session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
    )


def test_a_clean_file_adds_everyone_as_imported_by_the_coordinator(
    make_semester, do_import, coordinator
) -> None:
    semester = make_semester()
    rows = [student(), student(gender_preference="female"), tutor()]
    summary = do_import(semester, to_csv(rows))
    assert (summary.new, summary.updated, summary.rejected) == (3, 0, 0)
    stored = applicants(semester)
    assert [a.email for a in stored] == [r["email"] for r in rows]
    assert {a.status for a in stored} == {"approved"}
    assert {a.consent_source for a in stored} == {"import"}
    assert {a.imported_by_id for a in stored} == {coordinator.id}
    assert {a.notice_version for a in stored} == {"2026-11"}
    assert stored[2].capacity == 2 and stored[2].levels == "beginner;intermediate"
    assert stored[1].gender_preference == "female"


def test_pending_status_is_kept_when_asked(make_semester, do_import) -> None:
    semester = make_semester()
    do_import(semester, to_csv([student(), tutor()]), status="pending")
    assert {a.status for a in applicants(semester)} == {"pending"}


BAD_CELLS = [
    ("timezone", "Mars/Olympus", "not a known time zone"),
    ("availability", "Mon 7pm-9pm", "expected a day and a time range"),
    ("availability", "Mon 19:15-21:00", "minutes must be 00 or 30"),
    ("availability", "Mon 19:00-19:00", "start and end are the same time"),
    ("goals", "cooking", 'unknown goal "cooking"'),
    ("capacity", "0", "a tutor takes 1 to 3 students"),
    ("capacity", "4", "a tutor takes 1 to 3 students"),
]


@pytest.mark.parametrize(("column", "value", "message"), BAD_CELLS)
def test_one_bad_row_imports_nothing(make_semester, do_import, column, value, message) -> None:
    semester = make_semester()
    rows = [student(), tutor(), tutor(**{column: value})]
    with pytest.raises(InvalidRows) as caught:
        do_import(semester, to_csv(rows))
    assert [(e.row, e.column) for e in caught.value.errors] == [(4, column)]
    assert message in caught.value.errors[0].message
    assert "nothing was imported" in caught.value.message
    assert applicants(semester) == []
    assert audit_count() == 0


@pytest.mark.parametrize(("column", "value", "message"), BAD_CELLS)
def test_skip_invalid_imports_exactly_the_good_rows(
    make_semester, do_import, column, value, message
) -> None:
    semester = make_semester()
    good = [student(), tutor()]
    summary = do_import(
        semester, to_csv([good[0], tutor(**{column: value}), good[1]]), skip_invalid=True
    )
    assert (summary.new, summary.rejected) == (2, 1)
    assert [a.email for a in applicants(semester)] == [r["email"] for r in good]


def test_skip_invalid_with_no_good_row_is_refused_and_not_audited(make_semester, do_import) -> None:
    semester = make_semester()
    bad = [tutor(capacity="0"), student(timezone="Mars/Olympus")]
    with pytest.raises(InvalidRows) as caught:
        do_import(semester, to_csv(bad), skip_invalid=True)
    assert [e.row for e in caught.value.errors] == [2, 3]
    assert "nothing was imported" in caught.value.message
    assert applicants(semester) == []
    assert audit_count() == 0


def test_the_same_email_twice_names_both_rows_and_imports_nothing(make_semester, do_import) -> None:
    semester = make_semester()
    twin = student()
    with pytest.raises(InvalidRows) as caught:
        do_import(semester, to_csv([twin, tutor(), twin | {"email": twin["email"].upper()}]))
    assert [e.row for e in caught.value.errors] == [2, 4]
    assert all("rows 2 and 4" in e.message for e in caught.value.errors)
    assert applicants(semester) == []


def test_a_missing_column_refuses_even_with_skip_invalid(make_semester, do_import) -> None:
    semester = make_semester()
    header = ("role", "display_name", "email", "availability", "goals", "level")
    with pytest.raises(InvalidRows) as caught:
        do_import(semester, to_csv([student(), tutor()], header), skip_invalid=True)
    assert [(e.row, e.column) for e in caught.value.errors] == [(1, "timezone")]
    assert "header" in caught.value.message
    assert applicants(semester) == []


def test_an_email_already_in_the_semester_is_updated_and_counted_apart(
    make_semester, make_student, do_import
) -> None:
    semester = make_semester()
    known = make_student(semester, status="waitlisted", email="known@example.org")
    link = known.edit_token_hash
    row = student(email=" Known@Example.org ", display_name="Garam* renamed", level="advanced")
    summary = do_import(semester, to_csv([row, student(), tutor(email="known@example.org")]))
    assert (summary.new, summary.updated) == (2, 1)
    db.session.refresh(known)
    assert known.display_name == "Garam* renamed"
    assert known.levels == "advanced"
    assert known.status == "waitlisted"  # an update never changes a status silently
    assert known.consent_source == "form" and known.edit_token_hash == link
    # The tutor with the same email is a different person (the role is part of the key).
    assert len(applicants(semester)) == 3


def test_an_update_that_moves_times_ends_the_active_pair(
    make_semester, make_student, make_tutor, do_import
) -> None:
    semester = make_semester()
    pupil = make_student(semester, email="pair.student@example.org")
    teacher = make_tutor(semester)
    db.session.add(Match(semester_id=semester.id, student_id=pupil.id, tutor_id=teacher.id))
    db.session.flush()
    moved = to_csv([student(email="pair.student@example.org", availability="Sun 09:00-11:00")])
    preview = do_import(semester, moved, dry_run=True)
    assert preview.ended_pairs == 1
    assert db.session.scalars(select(Match)).one().status == "proposed"
    summary = do_import(semester, moved)
    assert (summary.updated, summary.ended_pairs) == (1, 1)
    match = db.session.scalars(select(Match)).one()
    assert match.status == "ended" and "import" in match.end_reason
    assert any("ended" in line for line in describe(summary))


def test_an_update_with_the_same_times_keeps_the_pair(
    make_semester, make_student, make_tutor, do_import
) -> None:
    semester = make_semester()
    pupil = make_student(semester, email="same.times@example.org", windows="Mon 19:00-21:00")
    teacher = make_tutor(semester)
    db.session.add(Match(semester_id=semester.id, student_id=pupil.id, tutor_id=teacher.id))
    db.session.flush()
    row = student(email="same.times@example.org", availability="mon 20:00-21:00; Mon 19:00-20:00")
    assert do_import(semester, to_csv([row])).ended_pairs == 0
    assert db.session.scalars(select(Match)).one().status == "proposed"


def test_a_dry_run_writes_nothing_but_reports_the_same_counts(
    make_semester, make_student, do_import
) -> None:
    semester = make_semester()
    make_student(semester, email="already@example.org")
    data = to_csv([student(email="already@example.org"), student(), tutor()])
    before = [(a.id, a.display_name) for a in applicants(semester)]
    preview = do_import(semester, data, dry_run=True)
    assert (preview.new, preview.updated, preview.dry_run) == (2, 1, True)
    assert [(a.id, a.display_name) for a in applicants(semester)] == before
    assert audit_count() == 0
    assert "would be added" in describe(preview)[0]
    real = do_import(semester, data)
    assert (real.new, real.updated) == (preview.new, preview.updated)


def test_a_closed_semester_is_refused(make_semester, do_import) -> None:
    semester = make_semester(status="closed")
    with pytest.raises(DomainError, match="closed"):
        do_import(semester, to_csv([student()]))
    assert applicants(semester) == []


def test_an_inactive_account_cannot_be_named_as_importer(make_semester, make_user) -> None:
    semester = make_semester()
    gone = make_user(active=False)
    with pytest.raises(DomainError, match="active coordinator"):
        import_applicants(
            semester,
            read_applicant_file(to_csv([student()]), "a.csv"),
            status="approved",
            imported_by=gone,
            notice_version="x",
            actor="test",
        )


def test_only_approved_or_pending(make_semester, do_import) -> None:
    with pytest.raises(DomainError, match="approved or pending"):
        do_import(make_semester(), to_csv([student()]), status="withdrawn")


def test_the_audit_row_holds_counts_and_no_personal_data(make_semester, do_import) -> None:
    semester = make_semester()
    rows = [student(display_name="Canary Quill* 1"), tutor(email="canary.quill@example.org")]
    do_import(
        semester,
        to_csv([*rows, tutor(capacity="9")], header=(*HEADER, "notes")),
        skip_invalid=True,
    )
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "applicants.import")
    ).one()
    assert event.target == f"semester:{semester.id}"
    assert {k: event.detail[k] for k in ("new", "updated", "rejected", "unknown_columns")} == {
        "new": 2,
        "updated": 0,
        "rejected": 1,
        "unknown_columns": 1,
    }
    text = f"{event.actor} {event.target} {event.detail}".lower()
    assert "canary" not in text and "@" not in text and "notes" not in text


def test_xlsx_gives_the_same_applicants_as_csv(make_semester, do_import) -> None:
    rows = [student(display_name="하늘* 7", availability="Fri 23:00-01:00"), tutor(capacity="3")]
    by_csv, by_xlsx = make_semester(), make_semester()
    do_import(by_csv, to_csv(rows))
    summary = do_import(by_xlsx, to_xlsx(rows), "spring.xlsx")
    assert summary.encoding == "xlsx"

    def fields(a: Applicant) -> tuple:
        return (
            a.role,
            a.display_name,
            a.email,
            a.timezone,
            a.availability,
            a.goals,
            a.levels,
            a.gender,
            a.gender_preference,
            a.korean,
            a.in_person,
            a.capacity,
        )

    assert [fields(a) for a in applicants(by_xlsx)] == [fields(a) for a in applicants(by_csv)]


def test_a_cp949_file_is_read_and_the_summary_says_so(make_semester, do_import) -> None:
    semester = make_semester()
    summary = do_import(semester, to_csv([student(display_name="김하늘*")], encoding="cp949"))
    assert applicants(semester)[0].display_name == "김하늘*"
    assert summary.encoding == "cp949"
    assert any("CP949" in line for line in describe(summary))


HOSTILE_NAMES = [
    "<script>alert('x')</script>",
    "Robert'); DROP TABLE applicants;--",
    "=cmd|' /C calc'!A0",
    "+SUM(1+1)*cmd",
    '@HYPERLINK("http://example.invalid")',
]


def test_hostile_names_are_stored_as_plain_text(make_semester, do_import) -> None:
    semester = make_semester()
    decomposed = unicodedata.normalize("NFD", "한별*")
    rows = [student(display_name=name) for name in [*HOSTILE_NAMES, decomposed]]
    do_import(semester, to_csv(rows))
    stored = [a.display_name for a in applicants(semester)]
    assert stored == [*HOSTILE_NAMES, "한별*"]  # decomposed Hangul is stored composed (NFC)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("Nari\x00", "control character"),
        ("\u202eiraN", "text-direction"),
        ("x" * 10_000, "at most 80"),
    ],
)
def test_names_that_could_hide_or_overflow_are_row_errors(
    make_semester, do_import, name, message
) -> None:
    semester = make_semester()
    with pytest.raises(InvalidRows) as caught:
        do_import(semester, to_csv([student(), student(display_name=name)]))
    assert message in str(caught.value.errors[0])
    assert applicants(semester) == []
