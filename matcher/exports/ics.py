"""One person's calendar file (RFC 5545): each pair's weekly session under its own stable UID.

A session is written as one weekly rule at its usual local time, in the person's own zone with
that zone's VTIMEZONE, so a calendar program keeps the wall-clock time across the person's own
clock changes. Every occurrence whose real instant is not the rule's (the shared time moved at
someone else's clock change, or an edge week at another time) is an overriding VEVENT with the
same UID and a RECURRENCE-ID naming the rule instance it replaces, so every date shows the real
agreed instant and nothing drifts silently. A cancelled pair keeps its UID with
``STATUS:CANCELLED`` and a higher SEQUENCE, so re-importing the file removes its sessions.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar

PRODID = "-//LiNK English Language Program//LELP Match//EN"
MEDIA_TYPE = "text/calendar; charset=utf-8"


@dataclass(frozen=True)
class SessionEvents:
    """One pair's sessions as one person sees them; ``starts`` are aware datetimes (any zone)."""

    uid: str
    sequence: int
    summary: str
    description: str
    zone: str
    starts: tuple[datetime, ...]
    minutes: int
    cancelled: bool = False


def _rule_dates(local: Sequence[datetime]) -> list[datetime]:
    """The rule's instances: weekly at the most common local weekday and time, aligned so that
    every occurrence at that time is its own instance (they are whole weeks apart)."""
    usual = Counter((t.weekday(), t.time()) for t in local).most_common(1)[0][0]
    k = next(i for i, t in enumerate(local) if (t.weekday(), t.time()) == usual)
    first = datetime.combine(local[k].date() - timedelta(weeks=k), usual[1], local[k].tzinfo)
    return [
        datetime.combine(first.date() + timedelta(weeks=i), usual[1], local[k].tzinfo)
        for i in range(len(local))
    ]


def _event(pair: SessionEvents, start: datetime, stamp: datetime) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", pair.uid)
    event.add("dtstamp", stamp)
    event.add("sequence", pair.sequence)
    event.add("summary", pair.summary)
    if pair.description:
        event.add("description", pair.description)
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=pair.minutes))
    event.add("status", "CANCELLED" if pair.cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    return event


def _components(pair: SessionEvents, stamp: datetime) -> list[icalendar.Event]:
    zone = ZoneInfo(pair.zone)
    local = [t.astimezone(zone) for t in pair.starts]
    rule = _rule_dates(local)
    master = _event(pair, rule[0], stamp)
    master.add("rrule", {"freq": "weekly", "count": len(rule)})
    out = [master]
    if pair.cancelled:
        return out
    for instance, actual in zip(rule, local, strict=True):
        # Instants, not wall times: aware datetimes sharing a tzinfo compare by wall time.
        if instance.astimezone(UTC) != actual.astimezone(UTC):
            override = _event(pair, actual, stamp)
            override.add("recurrence-id", instance)
            out.append(override)
    return out


def calendar_bytes(pairs: Sequence[SessionEvents], stamp: datetime, name: str = "") -> bytes:
    """The file for one person: every pair's events and the VTIMEZONE of each zone used."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    if name:
        cal.add("x-wr-calname", name)
    firsts, lasts = [], []
    for pair in pairs:
        if not pair.starts:
            continue
        for component in _components(pair, stamp):
            cal.add_component(component)
        firsts.append(min(pair.starts).date() - timedelta(days=60))
        lasts.append(max(pair.starts).date() + timedelta(days=60))
    if firsts:
        cal.add_missing_timezones(first_date=min(firsts), last_date=max(lasts))
    return cal.to_ical()
