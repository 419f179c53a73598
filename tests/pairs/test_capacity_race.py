"""A tutor who takes one student never gets two, however a matching run and a pair by hand meet.

Real threads, each with its own app context (so its own connection), many times over: on
PostgreSQL the tutor's row lock and the capacity check at store time decide; on SQLite the
write lock does. The run is slowed after it has solved, which is when a pair by hand used to
slip in between the run's reading and its storing (issue 13: both committed).
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable

import pytest
from sqlalchemy import func, select

import matcher.services.pairs.matching as matching_service
from matcher.database import read_first
from matcher.extensions import db
from matcher.models import Applicant, Match, Semester
from matcher.services.errors import ChangedMeanwhile
from matcher.services.pairs.actions import confirm_all, pair_manually
from matcher.services.pairs.matching import run_matching

REPEAT = 12
SOLVE_DELAY = 0.25


def _in_thread(app, action: Callable[[], object], results: list[str], n: int) -> threading.Thread:
    def run() -> None:
        with app.app_context():
            try:
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

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.fixture
def slow_solver(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """The engine solves, says so, then takes a while to hand back its plan."""
    solved = threading.Event()
    real = matching_service.propose_matches

    def slow(problem):  # type: ignore[no-untyped-def]
        plan = real(problem)
        solved.set()
        time.sleep(SOLVE_DELAY)
        return plan

    monkeypatch.setattr(matching_service, "propose_matches", slow)
    return solved


def _active_pairs_of_tutor(tutor_id: int) -> int:
    db.session.expire_all()
    return db.session.scalar(
        select(func.count())
        .select_from(Match)
        .where(Match.tutor_id == tutor_id, Match.status != "ended")
    )


def test_a_run_and_a_pair_by_hand_never_overfill_a_tutor(
    app, make_semester, make_student, make_tutor, slow_solver
) -> None:
    chance = random.Random(13)
    for n in range(REPEAT):
        slow_solver.clear()
        semester = make_semester()
        tutor = make_tutor(semester, capacity=1)
        proposed = make_student(semester)  # the run pairs this one with the tutor
        by_hand = make_student(semester, windows="Tue 08:00-09:00")  # no common time: override
        ids = (semester.id, tutor.id, by_hand.id)
        db.session.commit()

        def run(ids: tuple[int, ...] = ids) -> object:
            read_first()  # as the dashboard and the CLI do: solve, then take the write lock
            return run_matching(db.session.get(Semester, ids[0]), actor="user:1")

        def manual(ids: tuple[int, ...] = ids, n: int = n) -> object:
            if n % 2:
                slow_solver.wait(timeout=30)  # while the run holds its plan, not yet stored
            else:
                time.sleep(chance.uniform(0, 2 * SOLVE_DELAY))
            return pair_manually(
                db.session.get(Semester, ids[0]),
                db.session.get(Applicant, ids[2]),
                db.session.get(Applicant, ids[1]),
                actor="user:2",
                override=True,
                note="they met at the orientation",
            )

        results = ["", ""]
        threads = [_in_thread(app, run, results, 0), _in_thread(app, manual, results, 1)]
        for thread in threads:
            thread.join(timeout=60)
        assert all(r in ("ok", "changed") for r in results), results
        assert "ok" in results, results
        assert _active_pairs_of_tutor(ids[1]) == 1, (n, results)
        db.session.commit()
    assert proposed.role == "student"


def test_confirm_all_never_confirms_past_a_tutors_capacity(
    make_semester, make_student, make_tutor
) -> None:
    """Pairs that got past capacity some other way (an old race) are not confirmed together."""
    semester = make_semester()
    tutor = make_tutor(semester, capacity=1)
    for student in (make_student(semester), make_student(semester)):
        db.session.add(Match(semester_id=semester.id, student_id=student.id, tutor_id=tutor.id))
    db.session.flush()
    with pytest.raises(ChangedMeanwhile, match=tutor.public_id):
        confirm_all(semester, actor="user:1")
