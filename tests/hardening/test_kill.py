"""`kill -9` of `flask match propose` mid-run: no partial proposals, and the next run succeeds."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FLASK = str(ROOT / ".venv" / "bin" / "flask")
SEMESTER = "Demo Spring 2027"  # what `flask demo` creates

# Runs the real command, but pauses inside _store_proposals right after the first new
# proposal has been flushed to the database, so the kill lands in the middle of the writes.
PAUSING_PROPOSE = """
import sys, time
from sqlalchemy.orm import Session
from matcher.models import Match
original_add = Session.add
added = []
def add(self, instance, *args, **kwargs):
    original_add(self, instance, *args, **kwargs)
    if isinstance(instance, Match):
        added.append(instance)
        if len(added) == 2:
            self.flush()
            print("PAUSED-AFTER-FIRST-INSERT", flush=True)
            time.sleep(600)
Session.add = add
from flask.cli import main
sys.argv = ["flask", "match", "propose", "--semester", sys.argv[1]]
main()
"""

pytestmark = pytest.mark.slow


def environment(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TEST_DATABASE_URL")}
    env.update(
        FLASK_APP="matcher",
        MATCHER_ENV="development",
        MATCHER_INSTANCE_PATH=str(tmp_path / "instance"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'kill.sqlite3'}",
    )
    return env


def flask(env: dict[str, str], *args: str, timeout: int = 300) -> str:
    result = subprocess.run(
        [FLASK, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def proposals_and_runs(database: Path) -> tuple[list[tuple], int, str]:
    with sqlite3.connect(database) as connection:
        matches = connection.execute(
            "SELECT id, student_id, tutor_id, status, run_id FROM matches ORDER BY id"
        ).fetchall()
        runs = connection.execute("SELECT count(*) FROM match_runs").fetchone()[0]
        integrity = connection.execute("PRAGMA integrity_check").fetchone()[0]
    return matches, runs, integrity


def kill_when(process: subprocess.Popen, ready: str) -> None:
    """SIGKILL once `ready` is printed; the process gets no chance to clean up."""
    line = process.stdout.readline()
    assert ready in line, line + process.stderr.read()
    kill(process)


def kill(process: subprocess.Popen) -> None:
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL


def kill_midway(env: dict[str, str], database: Path, delay: float) -> None:
    """Start the real command and SIGKILL it after `delay` seconds.

    How long a run takes depends on the machine and its load: if this one finished first (it
    tested nothing), the database is put back as it was and the next try kills sooner.
    """
    saved = database.with_name("before-kill.sqlite3")
    copy_database(database, saved)
    for _ in range(6):
        process = subprocess.Popen(
            [FLASK, "match", "propose", "--semester", SEMESTER],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(delay)
        if process.poll() is None:
            kill(process)
            return
        process.communicate()
        copy_database(saved, database)
        delay /= 2
    pytest.fail("propose always finished before it could be killed")


def copy_database(source: Path, target: Path) -> None:
    """SQLite's online backup: the whole database, including what is still in its WAL."""
    with closing(sqlite3.connect(source)) as reading, closing(sqlite3.connect(target)) as writing:
        reading.backup(writing)


def test_kill_9_during_propose_leaves_no_partial_proposals(tmp_path) -> None:
    env = environment(tmp_path)
    database = tmp_path / "kill.sqlite3"
    flask(env, "db", "upgrade")
    flask(env, "demo", "--students", "600", "--tutors", "600")
    assert proposals_and_runs(database) == ([], 0, "ok")

    # 1. Killed in the middle of writing the proposals.
    paused = subprocess.Popen(
        [sys.executable, "-c", PAUSING_PROPOSE, SEMESTER],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    kill_when(paused, "PAUSED-AFTER-FIRST-INSERT")
    assert proposals_and_runs(database) == ([], 0, "ok")

    # 2. The real command killed while it runs (start-up done, engine or writes under way).
    started = time.perf_counter()
    first = flask(env, "match", "propose", "--semester", SEMESTER)
    full_run = time.perf_counter() - started
    matches, runs, _ = proposals_and_runs(database)
    assert runs == 1 and len(matches) > 400, first
    # Half the measured run: a re-run can be quicker than the first (warm caches, updates
    # instead of inserts), and at 70% it sometimes finished before the kill on a quiet machine.
    kill_midway(env, database, full_run * 0.5)
    assert proposals_and_runs(database) == (matches, 1, "ok")

    # 3. The next run succeeds and keeps every pair (same data, same plan).
    output = flask(env, "match", "propose", "--semester", SEMESTER)
    assert f"{len(matches)} kept" in output, output
    after, runs, integrity = proposals_and_runs(database)
    assert runs == 2 and integrity == "ok"
    assert [m[:4] for m in after] == [m[:4] for m in matches]
