"""`flask calendar export`: files read back by an independent reader (recurring-ical-events)
hold, for every pair, one event per planned week at the engine's instants, shown at the right
local time in each person's zone on every date, clock changes included."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from matcher.extensions import db
from matcher.models import AuditEvent, Match
from matcher.services.sessions.plans import semester_plans

# Runtime and test dependencies of pyproject.toml; a virtualenv made before they were added
# needs `pip install -e '.[dev]'` (make does it when pyproject.toml changes).
icalendar = pytest.importorskip("icalendar")
recurring_ical_events = pytest.importorskip("recurring_ical_events")

pytestmark = pytest.mark.db

CONFIRMED = datetime(2027, 2, 20, tzinfo=UTC)


@pytest.fixture
def semester_with_pairs(make_semester, make_student, make_tutor):
    """Tutors in zones that change clocks on other dates than Seoul (which never does)."""
    semester = make_semester(name="Spring 2027")
    people = [
        ("Mon 19:00-23:00", "Europe/London", "Mon 10:00-16:00", "London Lee"),
        ("Thu 07:00-10:00", "America/Los_Angeles", "Wed 14:00-18:00", "LA Lu"),
        ("Sat 09:00-12:00", "Australia/Lord_Howe", "Sat 10:00-14:00", "Howe Ha"),
        ("Sun 08:00-11:00", "Pacific/Chatham", "Sun 11:00-15:00", "Chatham Cho"),
        ("Tue 20:00-22:00", "Asia/Kathmandu", "Tue 16:00-19:00", "Kath Ku"),
    ]
    matches = []
    for i, (s_windows, zone, t_windows, t_name) in enumerate(people):
        student = make_student(semester, windows=s_windows, display_name=f"학생{i}*")
        tutor = make_tutor(semester, windows=t_windows, timezone=zone, display_name=t_name)
        matches.append(_pair(semester, student, tutor, "confirmed"))
    # The London tutor takes a second student with the same evening: sessions must not overlap.
    second = make_student(semester, windows="Mon 19:00-23:00", display_name="둘째*")
    london = matches[0].tutor
    london.capacity = 2
    matches.append(_pair(semester, second, london, "confirmed"))
    # A pair that was confirmed and then ended: its files cancel its events.
    gone_s = make_student(semester, windows="Wed 20:00-22:00", display_name="끝*")
    gone_t = make_tutor(semester, windows="Wed 12:00-14:00", timezone="Europe/Berlin")
    gone_t.language = "en"
    ended = _pair(semester, gone_s, gone_t, "ended")
    ended.end_reason = "moved away"
    db.session.commit()
    return semester, matches, ended


def _pair(semester, student, tutor, status):
    m = Match(
        semester_id=semester.id,
        student_id=student.id,
        tutor_id=tutor.id,
        status=status,
        confirmed_at=CONFIRMED,
        ended_at=datetime(2027, 4, 1, tzinfo=UTC) if status == "ended" else None,
    )
    db.session.add(m)
    db.session.flush()
    return m


def _read(path):
    cal = icalendar.Calendar.from_ical(path.read_bytes())
    return cal, recurring_ical_events.of(cal).between(date(2027, 1, 1), date(2028, 1, 1))


def test_files_hold_the_engines_instants_in_each_persons_time(
    runner, semester_with_pairs, tmp_path
):
    semester, matches, ended = semester_with_pairs
    plans = semester_plans(semester)
    out = tmp_path / "cal"
    result = runner.invoke(args=["calendar", "export", "--semester", "Spring 2027", "-o", str(out)])
    assert result.exit_code == 0, result.output
    people = {m.student for m in matches} | {m.tutor for m in matches}
    people |= {ended.student, ended.tutor}
    assert {p.name for p in out.iterdir()} == {f"{p.public_id}.ics" for p in people}
    moved = 0
    for m in matches:
        expected = plans[m.id].session.instants()
        assert len(expected) >= 15
        seen = {}
        for person, partner in ((m.student, m.tutor), (m.tutor, m.student)):
            _, events = _read(out / f"{person.public_id}.ics")
            mine = [e for e in events if str(e["UID"]) == f"{m.public_id}@lelp-match"]
            assert all(partner.display_name in str(e["SUMMARY"]) for e in mine)
            starts = sorted(e["DTSTART"].dt for e in mine)
            assert [s.astimezone(UTC) for s in starts] == expected
            zone = ZoneInfo(person.timezone)
            for s in starts:  # what the calendar shows is the instant's wall time in that zone
                assert s.replace(tzinfo=None) == s.astimezone(UTC).astimezone(zone).replace(
                    tzinfo=None
                )
            seen[person.role] = starts
            if len({s.utcoffset() for s in starts}) > 1:
                moved += 1
        assert [s.astimezone(UTC) for s in seen["student"]] == [
            s.astimezone(UTC) for s in seen["tutor"]
        ]
    assert moved >= 3  # London, Los Angeles, Lord Howe and Chatham change clocks in spring
    # The London tutor's two sessions never overlap.
    london = [m for m in matches if m.tutor.timezone == "Europe/London"]
    a, b = (plans[m.id].session.starts for m in london)
    assert all(abs(x - y) >= 60 for x in a for y in b)
    audit = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "calendar.export"))
    assert [e.detail["files"] for e in audit] == [len(people)]


def test_no_email_and_an_ended_pair_is_cancelled(runner, semester_with_pairs, tmp_path):
    *_, ended = semester_with_pairs
    out = tmp_path / "cal"
    runner.invoke(args=["calendar", "export", "--semester", "Spring 2027", "-o", str(out)])
    for path in out.iterdir():
        text = path.read_text(encoding="utf-8")
        assert "@example.org" not in text
        assert "BEGIN:VTIMEZONE" in text
    # A student's file speaks Korean (their language), a tutor's English.
    cal, _ = _read(out / f"{ended.student.public_id}.ics")
    (event,) = cal.walk("VEVENT")
    assert "님과" in str(event["SUMMARY"]) and "수요일 20:00-21:00" in str(event["DESCRIPTION"])
    (event,) = icalendar.Calendar.from_ical(
        (out / f"{ended.tutor.public_id}.ics").read_bytes()
    ).walk("VEVENT")
    assert str(event["SUMMARY"]) == f"LELP English with {ended.student.display_name}"
    masters = [c for c in cal.walk("VEVENT")]
    assert {str(c["STATUS"]) for c in masters} == {"CANCELLED"}
    assert {str(c["UID"]) for c in masters} == {f"{ended.public_id}@lelp-match"}


def test_uids_stay_and_sequence_does_not_fall(runner, semester_with_pairs, tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    runner.invoke(args=["calendar", "export", "--semester", "Spring 2027", "-o", str(first)])
    runner.invoke(args=["calendar", "export", "--semester", "Spring 2027", "-o", str(second)])
    for path in first.iterdir():
        one = icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT")
        two = icalendar.Calendar.from_ical((second / path.name).read_bytes()).walk("VEVENT")
        assert [str(e["UID"]) for e in one] == [str(e["UID"]) for e in two]
        assert all(int(b["SEQUENCE"]) >= int(a["SEQUENCE"]) for a, b in zip(one, two, strict=True))


def test_unknown_semester_is_one_line(runner, tmp_path):
    result = runner.invoke(args=["calendar", "export", "--semester", "Nope", "-o", str(tmp_path)])
    assert result.exit_code != 0 and "Traceback" not in result.output


def test_a_changed_session_is_written_with_a_higher_sequence(runner, semester_with_pairs, tmp_path):
    from matcher.services.sessions.agreement import choose, state_of, sync_semester

    semester, matches, _ = semester_with_pairs
    sync_semester(semester)
    match = matches[1]  # the Los Angeles tutor's pair
    state = state_of(match)
    other = state.options[-1]
    assert other.starts != state.session.starts
    before, after = tmp_path / "before", tmp_path / "after"
    runner.invoke(args=["calendar", "export", "--semester", "Spring 2027", "-o", str(before)])
    choose(match.student, match, other.key)
    choose(match.tutor, match, other.key)
    db.session.commit()
    runner.invoke(args=["calendar", "export", "--semester", "Spring 2027", "-o", str(after)])
    name = f"{match.tutor.public_id}.ics"
    old = icalendar.Calendar.from_ical((before / name).read_bytes()).walk("VEVENT")[0]
    new = icalendar.Calendar.from_ical((after / name).read_bytes()).walk("VEVENT")[0]
    assert str(old["UID"]) == str(new["UID"]) and int(new["SEQUENCE"]) > int(old["SEQUENCE"])
    _, events = _read(after / name)
    assert sorted(e["DTSTART"].dt.astimezone(UTC) for e in events) == other.instants()
    assert "동의했어요" in str(new["DESCRIPTION"])  # the factory's people speak Korean
