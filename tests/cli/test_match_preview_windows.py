"""`flask match preview` writes shared windows that stay right around clock changes."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

from flask import Flask

# The QA report's file: a Paris tutor whose night spans the EU change (28 March 2027) and a
# Los Angeles tutor whose Saturday evening is Sunday morning in Seoul (US change: 14 March).
DST_DISPLAY = """\
role,display_name,email,timezone,availability,goals,level
tutor,Paris T,pt@example.org,Europe/Paris,Sun 01:30-04:00,conversation,beginner
student,Paris S,ps@example.org,Asia/Seoul,Sun 09:00-11:30,conversation,beginner
tutor,LA T,lat@example.org,America/Los_Angeles,Sat 18:00-20:30,grammar,beginner
student,LA S,las@example.org,Asia/Seoul,Sun 10:00-12:30,grammar,beginner
"""


def test_preview_dates_each_window_change_by_the_first_day_it_applies_in_each_column(
    make_app: Callable[..., Flask], tmp_path: Path
) -> None:
    source = tmp_path / "dst-display.csv"
    source.write_text(DST_DISPLAY, encoding="utf-8")
    out = tmp_path / "pairs.csv"
    cli = make_app(create_tables=False).test_cli_runner()
    semester = ["--start", "2027-03-03", "--end", "2027-06-18"]
    result = cli.invoke(args=["match", "preview", str(source), *semester, "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"), newline=""))
    windows = {
        row["student_email"]: (
            row["windows_seoul"],
            row["windows_student_local"],
            row["windows_tutor_local"],
        )
        for row in rows
    }
    paris_seoul = (
        "Sun 09:30-11:30; from 2027-03-28: Sun 09:30-11:00; from 2027-04-04: Sun 09:00-11:00"
    )
    assert windows == {
        "ps@example.org": (
            paris_seoul,
            paris_seoul,
            "Sun 01:30-03:30; from 2027-03-28: Sun 01:30-04:00; from 2027-04-04: Sun 02:00-04:00",
        ),
        "las@example.org": (
            "Sun 11:00-12:30; from 2027-03-21: Sun 10:00-12:30",
            "Sun 11:00-12:30; from 2027-03-21: Sun 10:00-12:30",
            "Sat 18:00-19:30; from 2027-03-14: Sat 18:00-20:30",
        ),
    }
