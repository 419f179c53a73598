"""Two coordinators at once: exactly one succeeds, the other is told it changed meanwhile.

Real threads, each with its own app context (so its own session and connection), released
together by a barrier, many times over. Runs on SQLite (WAL, busy timeout, BEGIN IMMEDIATE)
and on PostgreSQL when TEST_DATABASE_URL is set.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from sqlalchemy import func, select

from matcher.extensions import db
from matcher.models import Match
from matcher.services.errors import ChangedMeanwhile
from matcher.services.pairs.actions import confirm_pairs, lock_pair, pair_manually

REPEAT = 15


def race(app, actions: list[Callable[[], object]]) -> list[str]:
    """Run each action in its own thread and app context at the same moment; commit or roll back."""
    barrier = threading.Barrier(len(actions))
    results: list[str] = [""] * len(actions)

    def run(n: int, action: Callable[[], object]) -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=10)
                action()
                db.session.commit()
                results[n] = "ok"
            except ChangedMeanwhile:
                db.session.rollback()
                results[n] = "changed"
            except Exception as error:  # reported in the assertion
                db.session.rollback()
                results[n] = f"error: {error!r}"
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(n, a)) for n, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return sorted(results)


def proposed_pair(make_student, make_tutor, semester) -> tuple[str, int]:
    student, tutor = make_student(semester), make_tutor(semester)
    match = Match(semester_id=semester.id, student_id=student.id, tutor_id=tutor.id)
    db.session.add(match)
    db.session.flush()
    ids = match.public_id, match.version
    db.session.commit()  # and touch nothing until the race is over: SQLite would stay locked
    return ids


def test_double_confirm_of_one_pair(app, make_semester, make_student, make_tutor) -> None:
    semester = make_semester()
    for _ in range(REPEAT):
        pair_id, version = proposed_pair(make_student, make_tutor, semester)
        outcome = race(
            app,
            [
                lambda p=pair_id, v=version: confirm_pairs([(p, v)], actor="user:1"),
                lambda p=pair_id, v=version: confirm_pairs([(p, v)], actor="user:2"),
            ],
        )
        assert outcome == ["changed", "ok"]
        db.session.expire_all()
        match = db.session.scalars(select(Match).where(Match.public_id == pair_id)).one()
        assert (match.status, match.version) == ("confirmed", version + 1)
        db.session.commit()


def test_double_lock_and_lock_against_confirm(app, make_semester, make_student, make_tutor) -> None:
    semester = make_semester()
    for n in range(REPEAT):
        pair_id, version = proposed_pair(make_student, make_tutor, semester)
        other = (
            (lambda p=pair_id, v=version: lock_pair(p, v, actor="user:2"))
            if n % 2
            else (lambda p=pair_id, v=version: confirm_pairs([(p, v)], actor="user:2"))
        )
        first = lambda p=pair_id, v=version: lock_pair(p, v, actor="user:1")  # noqa: E731
        outcome = race(app, [first, other])
        assert outcome == ["changed", "ok"]
        db.session.commit()


def test_two_manual_pairs_for_one_student(app, make_semester, make_student, make_tutor) -> None:
    semester = make_semester()
    for _ in range(REPEAT):
        student = make_student(semester)
        first, second = make_tutor(semester), make_tutor(semester)
        ids = (semester.id, student.id, first.id, second.id)
        db.session.commit()

        def manual(tutor_id: int, ids: tuple[int, ...] = ids) -> Callable[[], object]:
            def action() -> object:
                from matcher.models import Applicant, Semester

                return pair_manually(
                    db.session.get(Semester, ids[0]),
                    db.session.get(Applicant, ids[1]),
                    db.session.get(Applicant, tutor_id),
                    actor="user:1",
                )

            return action

        assert race(app, [manual(ids[2]), manual(ids[3])]) == ["changed", "ok"]
        db.session.expire_all()
        active = db.session.scalar(
            select(func.count())
            .select_from(Match)
            .where(Match.student_id == ids[1], Match.status != "ended")
        )
        assert active == 1
        db.session.commit()


def test_two_manual_pairs_cannot_overfill_a_tutor(
    app, make_semester, make_student, make_tutor
) -> None:
    semester = make_semester()
    for _ in range(REPEAT):
        tutor = make_tutor(semester, capacity=1)
        one, two = make_student(semester), make_student(semester)
        ids = (semester.id, tutor.id, one.id, two.id)
        db.session.commit()

        def manual(student_id: int, ids: tuple[int, ...] = ids) -> Callable[[], object]:
            def action() -> object:
                from matcher.models import Applicant, Semester

                return pair_manually(
                    db.session.get(Semester, ids[0]),
                    db.session.get(Applicant, student_id),
                    db.session.get(Applicant, ids[1]),
                    actor="user:1",
                )

            return action

        assert race(app, [manual(ids[2]), manual(ids[3])]) == ["changed", "ok"]
        db.session.expire_all()
        active = db.session.scalar(
            select(func.count())
            .select_from(Match)
            .where(Match.tutor_id == ids[1], Match.status != "ended")
        )
        assert active == 1
        db.session.commit()
