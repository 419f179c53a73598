"""The weekly session, checked against the independent datetime oracle: every occurrence lies in
both people's free time on both sides of every clock change, one per Seoul week that has a
start within the semester's days, none outside them."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from matcher.matching import Person, WeeklyWindow, merge_windows, parse_windows
from matcher.matching.sessions import Session, SessionPair, plan_sessions
from matcher.matching.slots import seoul_mondays

from .builders import FALL_FIRST, FALL_LAST, SPRING_FIRST, SPRING_LAST
from .oracle import common_intervals

SEOUL = ZoneInfo("Asia/Seoul")
ZONES = (
    "Asia/Kathmandu",
    "Australia/Lord_Howe",
    "Pacific/Chatham",
    "America/Los_Angeles",
    "Europe/London",
    "America/New_York",
    "Australia/Sydney",
    "Pacific/Auckland",
    "Asia/Tokyo",
)


def pair(student: str, tutor: str, zone: str, pid: str = "p1", tid: str = "t1") -> SessionPair:
    return SessionPair(pid, tid, "Asia/Seoul", parse_windows(student), zone, parse_windows(tutor))


def person(zone: str, windows: tuple[WeeklyWindow, ...], role: str) -> Person:
    return Person("x", role=role, timezone=zone, windows=windows)  # type: ignore[arg-type]


def seoul_midnight(day: date) -> datetime:
    return datetime.combine(day, time(), SEOUL).astimezone(UTC)


def check_against_oracle(p: SessionPair, s: Session | None, first: date, last: date) -> None:
    """The oracle's own reading of the contract, interval by interval with zoneinfo."""
    lo, hi = seoul_midnight(first), seoul_midnight(last + timedelta(days=1))
    common = common_intervals(
        person(p.student_zone, p.student_windows, "student"),
        person(p.tutor_zone, p.tutor_windows, "tutor"),
        lo - timedelta(days=8),
        hi + timedelta(days=8),
    )
    length = timedelta(minutes=60)
    mondays = seoul_mondays(first, last)
    needed = []
    for monday in mondays:
        a = max(seoul_midnight(monday), lo)
        b = min(seoul_midnight(monday + timedelta(days=7)), hi)
        needed.append(any(max(x, a) + length <= y and max(x, a) < b for x, y in common))
    if s is None:
        assert not all(needed[1:-1]), "a pair with a start every week got no session"
        return
    starts = s.instants()
    assert starts == sorted(starts)
    weeks = [(st.astimezone(SEOUL).date() - mondays[0]).days // 7 for st in starts]
    assert len(set(weeks)) == len(weeks), "two occurrences in one Seoul week"
    assert [w in weeks for w in range(len(mondays))] == needed
    for start in starts:
        assert lo <= start < hi, "an occurrence outside the semester's days"
        assert any(x <= start and start + length <= y for x, y in common), start


def tutor_around(student: tuple[WeeklyWindow, ...], zone: str, widen: list[int]):
    """Tutor windows near the student's, shifted by the zone's January offset: often shared."""
    jan = datetime(2027, 1, 15, tzinfo=ZoneInfo(zone)).utcoffset()
    assert jan is not None
    shift = (int(jan.total_seconds()) // 60 - 9 * 60) // 30 * 30
    out = []
    for w, (before, after) in zip(
        student, zip(widen[::2], widen[1::2], strict=False), strict=False
    ):
        start = (w.start + shift - before * 30) % 10080
        out.append(WeeklyWindow(start, min(10080, w.minutes + (before + after) * 30)))
    return merge_windows(out)


student_windows = st.lists(
    st.builds(
        lambda d, s, n: WeeklyWindow(d * 1440 + s * 30, n * 30),
        st.integers(0, 6),
        st.integers(0, 47),
        st.integers(2, 8),
    ),
    min_size=1,
    max_size=3,
).map(merge_windows)


@given(
    student=student_windows,
    zone=st.sampled_from(ZONES),
    widen=st.lists(st.integers(0, 4), min_size=6, max_size=6),
    first=st.dates(date(2027, 2, 1), date(2027, 11, 1)),
    weeks=st.integers(3, 12),
)
def test_every_occurrence_is_in_both_windows(student, zone, widen, first, weeks):
    last = first + timedelta(days=7 * weeks - 3)
    p = SessionPair("p", "t", "Asia/Seoul", student, zone, tutor_around(student, zone, widen))
    plan = plan_sessions([p], first, last, 60)["p"]
    check_against_oracle(p, plan.session, first, last)
    if plan.session is not None:
        event("session")
        changes = [t for t in _transitions(zone, seoul_midnight(first), seoul_midnight(last))]
        starts = plan.session.instants()
        if any(starts[0] < t < starts[-1] for t in changes):
            event("session across a clock change")
        for alternative in plan.alternatives:
            check_against_oracle(p, alternative, first, last)


def _transitions(zone: str, lo: datetime, hi: datetime) -> list[datetime]:
    tz, out, t = ZoneInfo(zone), [], lo
    while t < hi:
        if (t + timedelta(hours=1)).astimezone(tz).utcoffset() != t.astimezone(tz).utcoffset():
            out.append(t + timedelta(hours=1))
        t += timedelta(hours=1)
    return out


@pytest.mark.parametrize("zone", ZONES)
@pytest.mark.parametrize("semester", [(SPRING_FIRST, SPRING_LAST), (FALL_FIRST, FALL_LAST)])
def test_sessions_on_both_sides_of_each_change(zone, semester):
    """A tutor free most of the day: the session holds in every week, before and after every
    clock change of the tutor's zone inside the semester."""
    first, last = semester
    p = pair(
        "Mon 19:00-23:00; Sat 09:00-12:00",
        "Mon 00:00-24:00; Tue 00:00-24:00; Fri 00:00-24:00; Sat 00:00-24:00; Sun 00:00-24:00",
        zone,
    )
    plan = plan_sessions([p], first, last, 60)["p1"]
    assert plan.session is not None
    check_against_oracle(p, plan.session, first, last)
    starts = plan.session.instants()
    for change in _transitions(zone, seoul_midnight(first), seoul_midnight(last)):
        assert starts[0] < change < starts[-1]
    # Seoul-anchored after week one (which starts on a Tuesday or Wednesday): never moves.
    assert len({s.astimezone(SEOUL).strftime("%a %H:%M") for s in starts[1:]}) == 1
    for s in plan.alternatives:
        check_against_oracle(p, s, first, last)


def test_same_wall_clock_for_both_when_no_clock_changes():
    p = pair("Wed 20:00-22:00", "Wed 20:00-23:00", "Asia/Tokyo")
    plan = plan_sessions([p], SPRING_FIRST, SPRING_LAST, 60)["p1"]
    assert plan.session is not None and plan.session.moves == 0
    assert plan.session.instants()[0].astimezone(SEOUL).time() == time(20, 0)


def test_fewest_moves_then_evening_then_earliest():
    # London tutor free Mon 11:00-13:00: in Seoul 20:00-22:00 before 28 March, 19:00-21:00
    # after. Seoul 20:00 (the tutor moves once) and London 12:00 (the student moves once) tie
    # on moves and evening; 20:00 is earlier than 21:00.
    p = pair(
        "Mon 20:00-23:00; Tue 07:00-09:00", "Mon 11:00-13:00; Mon 23:00-24:00", "Europe/London"
    )
    plan = plan_sessions([p], SPRING_FIRST, SPRING_LAST, 60)["p1"]
    assert plan.session is not None
    local = [s.astimezone(SEOUL).strftime("%a %H:%M") for s in plan.session.instants()]
    # The semester starts on Tuesday 2 March: week one's only time is Tuesday morning.
    assert local[0] == "Tue 08:00" and set(local[1:]) == {"Mon 20:00"}
    # From 19:00 the tutor's 11:00 (19:00 in Seoul after 28 March) ties too, and is earlier.
    p = pair("Mon 19:00-23:00", "Mon 11:00-13:00", "Europe/London")
    plan = plan_sessions([p], date(2027, 3, 8), SPRING_LAST, 60)["p1"]
    assert plan.session is not None and plan.session.moves == 1
    london = {
        s.astimezone(ZoneInfo("Europe/London")).strftime("%a %H:%M")
        for s in plan.session.instants()
    }
    assert london == {"Mon 11:00"}
    # No evening at all: the earliest start that never moves for the student.
    p = pair("Tue 07:00-10:00", "Mon 22:00-24:00; Tue 00:00-03:00", "Europe/London")
    plan = plan_sessions([p], SPRING_FIRST, SPRING_LAST, 60)["p1"]
    local = {s.astimezone(SEOUL).strftime("%a %H:%M") for s in plan.session.instants()}
    assert local == {"Tue 07:00"}


def test_edge_weeks_hold_a_session_only_within_the_semester_days():
    # Semester starts on a Tuesday: a Monday session cannot happen in week one.
    p = pair("Mon 20:00-21:00", "Mon 00:00-24:00", "Asia/Tokyo")
    plan = plan_sessions([p], date(2027, 3, 2), date(2027, 3, 20), 60)["p1"]
    assert [s.astimezone(SEOUL).date() for s in plan.session.instants()] == [
        date(2027, 3, 8),
        date(2027, 3, 15),
    ]
    # With Thursday time too, Thursday keeps one time in every week, week one included.
    p = pair("Mon 20:00-21:00; Thu 20:00-21:00", "Mon 00:00-24:00; Thu 00:00-24:00", "Asia/Tokyo")
    plan = plan_sessions([p], date(2027, 3, 2), date(2027, 3, 20), 60)["p1"]
    assert plan.session.moves == 0
    assert len(plan.session.starts) == 3


def test_a_tutors_students_get_separate_times_when_free_time_allows():
    a = pair("Thu 19:00-22:00", "Thu 11:00-14:00", "Europe/London", pid="a")
    b = pair("Thu 20:00-21:00", "Thu 11:00-14:00", "Europe/London", pid="b")
    plans = plan_sessions([a, b], SPRING_FIRST, SPRING_LAST, 60)
    sa, sb = plans["a"].session, plans["b"].session
    assert sa is not None and sb is not None
    assert all(abs(x - y) >= 60 for x in sa.starts for y in sb.starts)
    assert plans["a"].overlaps == plans["b"].overlaps == ()
    # Alternatives offered to pair a leave b's session free.
    for alt in plans["a"].alternatives:
        assert all(abs(x - y) >= 60 for x in alt.starts for y in sb.starts)


def test_one_shared_hour_for_two_students_is_flagged():
    a = pair("Thu 20:00-21:00", "Thu 20:00-21:00", "Asia/Tokyo", pid="a")
    b = pair("Thu 20:00-21:00", "Thu 20:00-21:00", "Asia/Tokyo", pid="b")
    plans = plan_sessions([a, b], SPRING_FIRST, SPRING_LAST, 60)
    assert plans["a"].overlaps == ("b",) and plans["b"].overlaps == ("a",)
    assert plans["a"].session == plans["b"].session


def test_an_agreed_session_that_still_fits_is_kept():
    p = pair("Thu 19:00-22:00", "Thu 11:00-14:00", "Europe/London")
    plan = plan_sessions([p], SPRING_FIRST, SPRING_LAST, 60)["p1"]
    other = plan.alternatives[-1]
    assert other != plan.session
    kept = plan_sessions(
        [SessionPair(**{**vars(p), "fixed": other.starts})], SPRING_FIRST, SPRING_LAST, 60
    )["p1"]
    assert kept.session is not None and kept.session.starts == other.starts
    broken = plan_sessions(
        [SessionPair(**{**vars(p), "fixed": (other.starts[0] + 7,)})], SPRING_FIRST, SPRING_LAST, 60
    )["p1"]
    assert broken.session == plan.session


def test_no_common_time_in_some_week_means_no_session():
    # New York tutor's Wednesday 19:00-20:00 is Thursday 09:00 Seoul in winter, 08:00 in summer.
    p = pair("Thu 09:00-10:00", "Wed 19:00-20:00", "America/New_York")
    plan = plan_sessions([p], SPRING_FIRST, SPRING_LAST, 60)["p1"]
    assert plan.session is None and plan.alternatives == ()


@given(
    students=st.lists(student_windows, min_size=2, max_size=3),
    zone=st.sampled_from(ZONES),
    widen=st.lists(st.integers(0, 4), min_size=6, max_size=6),
)
def test_a_tutors_sessions_never_overlap_unless_flagged(students, zone, widen):
    tutor = tutor_around(merge_windows(w for s in students for w in s), zone, widen)
    pairs = [
        SessionPair(f"p{i}", "t", "Asia/Seoul", s, zone, tutor) for i, s in enumerate(students)
    ]
    plans = plan_sessions(pairs, SPRING_FIRST, SPRING_LAST, 60)
    for p in pairs:
        plan = plans[p.pair_id]
        check_against_oracle(p, plan.session, SPRING_FIRST, SPRING_LAST)
        for q in pairs:
            other = plans[q.pair_id].session
            if q is p or plan.session is None or other is None:
                continue
            clash = any(abs(x - y) < 60 for x in plan.session.starts for y in other.starts)
            assert clash == (q.pair_id in plan.overlaps)
            if clash:
                event("flagged overlap")


def test_session_text_says_where_it_moves():
    from matcher.matching.session_text import moves, session_text

    p = pair("Thu 07:00-10:00", "Wed 18:00-21:00", "America/New_York")
    plan = plan_sessions([p], date(2027, 3, 1), date(2027, 4, 30), 60)["p1"]
    # New York's Wed 18:00-21:00 is Thu 08:00-11:00 in Seoul, 07:00-10:00 from 14 March: the
    # tutor's 18:00 and Seoul's 08:00 both move once; the tutor's is earlier after the change.
    zones = ("Asia/Seoul", "America/New_York")
    assert session_text(plan.session, "Asia/Seoul", *zones) == (
        "Thu 08:00-09:00; from 2027-03-14: Thu 07:00-08:00"
    )
    assert session_text(plan.session, "America/New_York", *zones) == "Wed 18:00-19:00"
    (move,) = moves(plan.session, "Asia/Seoul")
    assert (move.on, move.before, move.starts) == (date(2027, 3, 18), "08:00", "07:00")
    assert moves(plan.session, "America/New_York") == []
    assert session_text(None, "Asia/Seoul") == ""
