"""Propose → confirm → export: every pair in the roster keeps the contract's hard rules."""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import UTC, datetime

from sqlalchemy import select

from matcher.extensions import db
from matcher.models import Applicant, Match
from matcher.services.pairs.matching import run_matching

from .sample import CONTRACT_HEADER
from .time_oracle import feasible


def test_every_exported_pair_keeps_the_hard_rules(
    make_semester, make_student, make_tutor, runner, tmp_path
) -> None:
    semester = make_semester(name="Spring 2027")
    # The contract's own example: 19:00 in New York is 09:00 in Seoul until 14 March, then 08:00.
    make_student(semester, windows="Thu 09:00-10:00")
    make_student(semester, windows="Thu 08:00-09:00")  # only meets New York after the change
    make_student(semester, windows="Sat 10:00-12:00", gender_preference="female")
    make_student(semester, windows="Sun 21:00-22:00")  # nobody is free then
    make_tutor(semester, timezone="America/New_York", windows="Wed 19:00-21:00", gender="male")
    make_tutor(semester, windows="Sat 10:00-12:00; Thu 08:00-09:00", gender="female", capacity=2)
    make_tutor(semester, windows="Sat 10:00-12:00", gender="male")
    run_matching(semester, actor="test")
    # Stand-in for `match confirm` (another engineer's command): confirm every proposal.
    for match in db.session.scalars(select(Match).where(Match.semester_id == semester.id)):
        match.status, match.confirmed_at = "confirmed", datetime(2027, 3, 1, tzinfo=UTC)
    db.session.commit()

    target = tmp_path / "roster.csv"
    result = runner.invoke(
        args=["roster", "export", "--semester", "Spring 2027", "-o", str(target)]
    )
    assert result.exit_code == 0, result.output
    reader = csv.DictReader(io.StringIO(target.read_bytes().decode("utf-8-sig"), newline=""))
    records = list(reader)
    assert reader.fieldnames == CONTRACT_HEADER
    people = {
        a.public_id: a
        for a in db.session.scalars(select(Applicant).where(Applicant.semester_id == semester.id))
    }
    matched = [r for r in records if r["section"] == "matched"]
    assert len(matched) == 3  # the Sunday student cannot meet anyone
    assert Counter(r["student_id"] for r in matched).most_common(1)[0][1] == 1
    for tutor_id, n in Counter(r["tutor_id"] for r in matched).items():
        assert n <= people[tutor_id].capacity
    for record in matched:
        student, tutor = people[record["student_id"]], people[record["tutor_id"]]
        assert record["student_name"] == student.display_name
        assert record["tutor_name"] == tutor.display_name
        assert record["windows_seoul"]
        if student.gender_preference:
            assert tutor.gender == student.gender_preference
        assert feasible(student, tutor, semester.starts_on, semester.ends_on, 60), record
    unmatched = [r for r in records if r["section"] == "unmatched"]
    assert [people[r["student_id"]].availability for r in unmatched if r["student_id"]] == [
        "Sun 21:00-22:00"
    ]
