"""The roster's session columns (outputs.md): the session in Seoul and both local times, with
the date where it moves, whether both agreed, and the people's zones."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest

from matcher.extensions import db
from matcher.models import Match
from matcher.services.files.roster import export_roster
from matcher.services.sessions.agreement import choose, state_of, sync_semester

pytestmark = pytest.mark.db


def _lines(semester):
    export = export_roster(semester, "csv", include_contacts=False, reason=None, actor="cli")
    return list(csv.DictReader(io.StringIO(export.content.decode("utf-8-sig"))))


def test_session_columns(make_semester, make_student, make_tutor):
    semester = make_semester(name="Spring 2027")
    student = make_student(semester, windows="Thu 09:00-10:00")
    tutor = make_tutor(semester, windows="Wed 19:00-21:00", timezone="America/New_York")
    alone = make_student(semester, windows="Fri 20:00-22:00")
    match = Match(
        semester_id=semester.id,
        student_id=student.id,
        tutor_id=tutor.id,
        status="confirmed",
        confirmed_at=datetime(2027, 2, 1, tzinfo=UTC),
    )
    db.session.add(match)
    db.session.flush()
    sync_semester(semester)
    (line,) = [x for x in _lines(semester) if x["section"] == "matched"]
    # New York's Wed 19:00-21:00 is Thu 09:00-11:00 in Seoul, 08:00-10:00 from 14 March: only
    # Seoul's 09:00 works all semester, so the tutor's time moves an hour earlier.
    assert line["session_seoul"] == "Thu 09:00-10:00"
    assert line["session_student_local"] == "Thu 09:00-10:00"
    assert line["session_tutor_local"] == "Wed 19:00-20:00; from 2027-03-14: Wed 20:00-21:00"
    assert line["session_agreed"] == "no"
    assert (line["sessions_met"], line["sessions_missed"], line["last_met_on"]) == ("0", "0", "")
    assert (line["student_timezone"], line["tutor_timezone"]) == (
        "Asia/Seoul",
        "America/New_York",
    )
    key = state_of(match).session.key
    choose(student, match, key)
    choose(tutor, match, key)
    (line,) = [x for x in _lines(semester) if x["section"] == "matched"]
    assert line["session_agreed"] == "yes"
    (lonely,) = [x for x in _lines(semester) if x["section"] == "unmatched"]
    assert lonely["student_id"] == alone.public_id
    assert lonely["session_seoul"] == lonely["session_agreed"] == lonely["sessions_met"] == ""
    assert lonely["student_timezone"] == "Asia/Seoul"
