"""The rejected-rows file for --skip-invalid: original cells plus a reason, ready to fix."""

from __future__ import annotations

import csv
from pathlib import Path

from matcher.applicant_file import read_applicant_file, write_rejected

from .sample import HEADER, student, to_csv, tutor


def test_rejected_rows_keep_their_cells_and_gain_a_reason(tmp_path: Path) -> None:
    bad_student = student(timezone="KST", goals="travel")
    bad_tutor = tutor(capacity="4", display_name='=HYPERLINK("http://x.example")')
    result = read_applicant_file(to_csv([student(), bad_student, bad_tutor]), "a.csv")
    path = tmp_path / "a.rejected.csv"

    assert write_rejected(result, path) == 2

    raw = path.read_bytes()
    assert raw.startswith("\ufeff".encode())
    with path.open(encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert list(rows[0]) == [*HEADER, "reason"]
    assert [row["email"] for row in rows] == [bad_student["email"], bad_tutor["email"]]
    assert rows[0]["timezone"] == "KST"
    assert rows[0]["reason"].startswith("timezone: ")
    assert "goals: unknown goal" in rows[0]["reason"]
    assert "capacity: " in rows[1]["reason"]
    # The file is one the service writes, so a formula in a cell comes back inert.
    assert rows[1]["display_name"].startswith("'=")


def test_short_rows_are_padded_so_the_reason_stays_in_its_column(tmp_path: Path) -> None:
    data = to_csv([student()]) + b"tutor,Ann\n"
    result = read_applicant_file(data, "a.csv")
    path = tmp_path / "r.csv"
    write_rejected(result, path)
    with path.open(encoding="utf-8-sig", newline="") as stream:
        (row,) = list(csv.DictReader(stream))
    assert row["display_name"] == "Ann"
    assert row["reason"].startswith("email: an email address is required")
