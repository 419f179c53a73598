"""What an email says about the weekly session: the reader's own time and language, and the
same calendar file as the private page."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from matcher.extensions import db
from matcher.models import Match
from matcher.services.sessions.agreement import sync_semester
from matcher.services.sessions.letters import calendar_text, session_lines

pytestmark = pytest.mark.db


def test_lines_and_file_for_each_reader(app_ctx, make_semester, make_student, make_tutor):
    pytest.importorskip("icalendar")
    semester = make_semester(name="Spring 2027")
    student = make_student(semester, windows="Thu 08:00-10:00")
    tutor = make_tutor(semester, windows="Wed 19:00-21:00", timezone="America/New_York")
    tutor.language = "en"
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
    assert session_lines(match, student) == (
        "목요일 09:00-10:00",
        "2027-03-14부터: 목요일 08:00-09:00",
        "2027-03-18부터는 시계가 바뀌어서 목요일 08:00에 시작해요 (전에는 09:00).",
    )
    assert session_lines(match, tutor) == ("Wednesday 19:00-20:00",)
    text = calendar_text(tutor)
    assert text is not None and f"UID:{match.public_id}@lelp-match" in text
