"""Matching pages end to end through the test client: preview, save, adjust, re-run, confirm, end."""

from __future__ import annotations

import re

from sqlalchemy import select

from matcher.extensions import db
from matcher.models import Match, MatchRun


def active_pairs() -> list[Match]:
    db.session.expire_all()
    return list(db.session.scalars(select(Match).where(Match.status != "ended").order_by(Match.id)))


def make_pool(make_semester, make_student, make_tutor, n: int = 4):
    semester = make_semester()
    students = [make_student(semester, windows="Mon 19:00-21:00") for _ in range(n)]
    tutors = [make_tutor(semester, windows="Mon 19:00-21:00") for _ in range(n)]
    make_student(semester, windows="Sun 03:00-04:00", display_name="Night Owl")
    return semester, students, tutors


def test_preview_shows_the_plan_and_saves_nothing_until_asked(
    client, make_user, login, make_semester, make_student, make_tutor
) -> None:
    semester, _, _ = make_pool(make_semester, make_student, make_tutor)
    login(client, make_user())
    base = f"/dashboard/semesters/{semester.id}/matching"
    page = client.post(f"{base}/preview", data={"session_minutes": "60", "shared_goals": "3"})
    assert page.status_code == 200
    assert "4 of 5 students would be matched" in page.text
    assert active_pairs() == []
    client.post(f"{base}/run", data={"session_minutes": "60", "shared_goals": "3"})
    assert len(active_pairs()) == 4
    run = db.session.scalars(select(MatchRun)).one()
    assert run.parameters["session_minutes"] == 60
    listing = client.get(base)
    assert "Last saved run" in listing.text
    assert listing.text.count('data-status="proposed"') == 4
    bad = client.post(f"{base}/preview", data={"session_minutes": "abc"}, follow_redirects=True)
    assert "whole number" in bad.text
    weird = client.post(f"{base}/preview", data={"level_fit": "-5"}, follow_redirects=True)
    assert "between 0 and 1000" in weird.text


def test_lock_exclude_rerun_diff_confirm_end_and_rematch(
    client, make_user, login, make_semester, make_student, make_tutor
) -> None:
    semester, _, _ = make_pool(make_semester, make_student, make_tutor)
    login(client, make_user())
    base = f"/dashboard/semesters/{semester.id}/matching"
    client.post(f"{base}/run")
    first, second, *_ = active_pairs()
    client.post(f"/dashboard/pairs/{first.public_id}/lock", data={"version": first.version})
    client.post(
        f"/dashboard/pairs/{second.public_id}/exclude",
        data={"version": second.version, "reason": "asked not to be paired"},
    )
    preview = client.post(f"{base}/preview")
    counts = re.search(
        r'id="diff-counts">Kept (\d+) · changed (\d+) · new (\d+) · dropped (\d+)</p>', preview.text
    )
    kept, changed, new, dropped = map(int, counts.groups())
    # Everyone who can be matched still is: the excluded student gets another tutor.
    assert kept >= 1 and kept + changed + new == 4 and dropped == 0
    kept_rows = re.findall(r'<tr class="diff-kept">(.*?)</tr>', preview.text, re.S)
    assert any(first.student.public_id in row for row in kept_rows)  # the locked pair stays
    client.post(f"{base}/run")
    pairs = active_pairs()
    assert (second.student_id, second.tutor_id) not in {(p.student_id, p.tutor_id) for p in pairs}
    assert any(p.public_id == first.public_id and p.status == "locked" for p in pairs)
    client.post(f"{base}/confirm", data={"all": "yes"})
    confirmed = active_pairs()
    assert {p.status for p in confirmed} == {"confirmed"}
    ended = confirmed[0]
    client.post(
        f"/dashboard/pairs/{ended.public_id}/end",
        data={"version": ended.version, "reason": "student moved"},
    )
    db.session.expire_all()
    assert db.session.get(Match, ended.id).status == "ended"
    client.post(f"{base}/run")  # re-match: the freed people find partners again
    after = active_pairs()
    assert len(after) == len(confirmed)
    assert sum(p.status == "proposed" for p in after) == 1


def test_a_stale_page_gets_changed_meanwhile(
    client, make_user, login, make_semester, make_student, make_tutor
) -> None:
    semester, _, _ = make_pool(make_semester, make_student, make_tutor, n=1)
    login(client, make_user())
    client.post(f"/dashboard/semesters/{semester.id}/matching/run")
    (pair,) = active_pairs()
    seen = pair.version  # both coordinators loaded the page at this version
    client.post(f"/dashboard/pairs/{pair.public_id}/lock", data={"version": seen})
    stale = client.post(
        f"/dashboard/pairs/{pair.public_id}/lock",
        data={"version": seen},
        follow_redirects=True,
    )
    assert "changed meanwhile" in stale.text


def test_student_page_shows_alternatives_why_not_and_manual_override(
    client, make_user, login, make_semester, make_student, make_tutor
) -> None:
    semester = make_semester()
    student = make_student(semester, windows="Mon 19:00-21:00")
    good = make_tutor(semester, windows="Mon 19:00-21:00")
    bad = make_tutor(semester, windows="Sat 03:00-04:00")
    login(client, make_user())
    url = f"/dashboard/semesters/{semester.id}/matching/students/{student.public_id}"
    page = client.get(url)
    alternatives = re.search(r'id="alternatives">(.*?)</table>', page.text, re.S).group(1)
    assert good.public_id in alternatives and bad.public_id not in alternatives
    why = client.get(url, query_string={"tutor": bad.public_id})
    assert "never share a full 60-minute session" in why.text
    manual = f"/dashboard/semesters/{semester.id}/matching/manual"
    refused = client.post(
        manual, data={"student": student.public_id, "tutor": bad.public_id}, follow_redirects=True
    )
    assert "override" in refused.text and active_pairs() == []
    # Refused on the matching page's own form: the two ids are still filled in.
    assert f'value="{student.public_id}"' in refused.text
    assert f'value="{bad.public_id}"' in refused.text
    client.post(
        manual,
        data={
            "student": student.public_id,
            "tutor": bad.public_id,
            "override": "yes",
            "note": "weekend calls",
        },
    )
    (pair,) = active_pairs()
    assert (pair.status, pair.manual_override_note) == ("locked", "weekend calls")


def test_a_refused_run_form_keeps_what_was_typed_and_names_every_problem(
    client, make_user, login, make_semester, make_student, make_tutor
) -> None:
    semester, _, _ = make_pool(make_semester, make_student, make_tutor)
    login(client, make_user())
    page = client.post(
        f"/dashboard/semesters/{semester.id}/matching/preview",
        data={"session_minutes": "abc", "shared_goals": "-5", "level_fit": "2.5"},
    )
    assert page.status_code == 400
    assert "Session length is a whole number of minutes." in page.text
    assert "must be between 0 and 1000" in page.text
    assert 'value="abc"' in page.text and 'value="-5"' in page.text and 'value="2.5"' in page.text
    assert 'id="run-shared_goals" inputmode="decimal" size="5" value="-5" aria-invalid="true"' in (
        page.text
    )
    assert db.session.scalars(select(MatchRun)).all() == []


def test_a_full_tutor_is_shown_as_full_not_offered_as_a_pair(
    client, make_user, login, make_semester, make_student, make_tutor
) -> None:
    semester = make_semester()
    student, other = (make_student(semester, windows="Mon 19:00-21:00") for _ in range(2))
    full = make_tutor(semester, windows="Mon 19:00-21:00")
    free = make_tutor(semester, windows="Mon 19:00-21:00")
    db.session.add(
        Match(semester_id=semester.id, student_id=other.id, tutor_id=full.id, status="confirmed")
    )
    db.session.commit()
    login(client, make_user())
    url = f"/dashboard/semesters/{semester.id}/matching/students/{student.public_id}"
    table = re.search(r'id="alternatives">(.*?)</table>', client.get(url).text, re.S).group(1)
    rows = {
        pid: row
        for row in table.split("<tr>")
        for pid in (full.public_id, free.public_id)
        if pid in row
    }
    assert (
        "1 of 1 (full)" in rows[full.public_id]
        and "Pair with this tutor" not in rows[full.public_id]
    )
    assert "0 of 1" in rows[free.public_id] and "Pair with this tutor" in rows[free.public_id]
    why = client.get(url, query_string={"tutor": full.public_id}).text
    assert "satisfies every hard rule" in why and "no free place now (1 of 1 pairs)" in why


def test_unmatched_page_gives_reasons_and_suggestions(
    client, make_user, login, make_semester, make_student, make_tutor
) -> None:
    semester, _, _ = make_pool(make_semester, make_student, make_tutor, n=2)
    login(client, make_user())
    page = client.get(f"/dashboard/semesters/{semester.id}/matching/unmatched")
    table = re.search(r'id="unmatched">(.*?)</table>', page.text, re.S).group(1)
    assert "Night Owl" in table
    assert "No tutor shares a full session" in table
