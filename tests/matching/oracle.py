"""An independent oracle for the time rule: datetimes and zoneinfo, interval by interval, no grid."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import strategies as st

from matcher.matching import Person, WeeklyWindow, merge_windows

windows = st.lists(
    st.builds(lambda s, n: WeeklyWindow(s * 30, n * 30), st.integers(0, 335), st.integers(1, 12)),
    min_size=1,
    max_size=3,
).map(merge_windows)


def free_intervals(person: Person, lo: datetime, hi: datetime) -> list[tuple[datetime, datetime]]:
    """The person's windows laid on every local week around [lo, hi), ends read with fold=0."""
    zone = ZoneInfo(person.timezone)
    local = lo.astimezone(zone).date() - timedelta(days=9)
    monday = local - timedelta(days=local.weekday())
    out = []
    while datetime.combine(monday, time(), zone) < hi + timedelta(days=2):
        for w in person.windows:
            start = datetime.combine(monday, time()) + timedelta(minutes=w.start)
            end = start + timedelta(minutes=w.minutes)
            a = start.replace(tzinfo=zone).astimezone(UTC)
            b = end.replace(tzinfo=zone).astimezone(UTC)
            if b > a:
                out.append((a, b))
        monday += timedelta(days=7)
    return out


def union(intervals):
    merged = []
    for a, b in sorted(intervals):
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    return merged


def common_intervals(s: Person, t: Person, lo: datetime, hi: datetime):
    """Maximal stretches around [lo, hi) in which both people are free (UTC datetimes)."""
    common = []
    for a1, b1 in union(free_intervals(s, lo, hi)):
        for a2, b2 in union(free_intervals(t, lo, hi)):
            a, b = max(a1, a2), min(b1, b2)
            if b > a:
                common.append((a, b))
    return union(common)
