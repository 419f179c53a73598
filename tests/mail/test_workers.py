# ruff: noqa: F811  (the smtp_server fixture is imported from .smtp_server and named as a parameter)
"""Workers that crash or run side by side: nothing lost, nothing sent twice but a crash's one."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

from matcher.extensions import db
from matcher.models import OutboxMessage
from matcher.services.mail.delivery import deliver_pass

from .outbox_helpers import mail_app, queue
from .smtp_server import smtp_server  # noqa: F401

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "").strip()
PROJECT = Path(__file__).resolve().parents[2]


# They build their own app (make_app), so conftest does not mark them for the PostgreSQL pass.
pytestmark = pytest.mark.db


def _database_env(app, database_url: str) -> dict[str, str]:
    if database_url.startswith("sqlite"):
        return {"DATABASE_URL": database_url}
    return {"DATABASE_URL": f"{TEST_DATABASE_URL}?options=-csearch_path%3D{database_url}"}


def test_a_worker_killed_mid_send_loses_nothing(make_app, smtp_server, database_url) -> None:
    recorder = smtp_server.recorder
    recorder.stall_first_seconds = 8  # the first message arrives, its "250" does not
    with mail_app(make_app, smtp_server.url, MAIL_CLAIM_SECONDS=1) as app:
        ids = [queue(address=f"p{n}@example.org").id for n in range(3)]
        db.session.commit()
        env = {
            **os.environ,
            **_database_env(app, database_url),
            "MATCHER_ENV": "testing",
            "MATCHER_MAIL_URL": smtp_server.url,
            "MATCHER_MAIL_CLAIM_SECONDS": "1",
            "MATCHER_MAIL_WORKER_IDLE_SECONDS": "0.2",
        }
        worker = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "matcher", "mail", "worker"],
            cwd=PROJECT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        try:
            assert recorder.first_arrived.wait(30), "the worker never sent anything"
        finally:
            os.kill(worker.pid, signal.SIGKILL)
            worker.wait(10)
        time.sleep(1.2)  # the dead worker's claim runs out
        recorder.stall_first_seconds = 0

        result = app.test_cli_runner().invoke(args=["mail", "send"])

        assert result.exit_code == 0, result.output
        db.session.expire_all()
        rows = db.session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(ids))).all()
        assert {row.status for row in rows} == {"sent"}
        per_id = Counter(recorder.message_ids())
        assert set(per_id) == {row.message_id for row in rows}
        assert sorted(per_id.values()) == [1, 1, 2]  # the interrupted one again, same Message-ID


def _start_worker(app, database_url: str, smtp_url: str, idle: float) -> subprocess.Popen:
    env = {
        **os.environ,
        **_database_env(app, database_url),
        "MATCHER_ENV": "testing",
        "MATCHER_MAIL_URL": smtp_url,
        "MATCHER_MAIL_WORKER_IDLE_SECONDS": str(idle),
        "PYTHONUNBUFFERED": "1",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "matcher", "mail", "worker"],
        cwd=PROJECT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_an_idle_worker_never_blocks_a_sign_up_and_stops_cleanly(
    make_app, smtp_server, database_url
) -> None:
    # A short busy timeout: a worker holding SQLite's write lock while idle would fail this.
    with mail_app(make_app, smtp_server.url, SQLITE_BUSY_TIMEOUT_MS=1500) as app:
        db.session.commit()
        # It sleeps 4 s at a time when idle: longer than a writer waits for SQLite's lock.
        worker = _start_worker(app, database_url, smtp_server.url, idle=4)
        try:
            assert "mail worker delivering" in (worker.stdout.readline() if worker.stdout else "")
            time.sleep(1)  # past its first look at the outbox: idle now
            queue(address="late@example.org")
            db.session.commit()
            deadline = time.monotonic() + 20
            while not smtp_server.recorder.received and time.monotonic() < deadline:
                time.sleep(0.1)
            assert [r.rcpt_tos for r in smtp_server.recorder.received] == [["late@example.org"]]
        finally:
            worker.send_signal(signal.SIGTERM)
            output, _ = worker.communicate(timeout=20)
        assert worker.returncode == 0, output
        assert "mail worker stopped" in output and "Traceback" not in output


def test_two_workers_at_once_send_each_message_once(make_app, smtp_server) -> None:
    smtp_server.recorder.delay_seconds = 0.02
    with mail_app(make_app, smtp_server.url) as app:
        for n in range(16):
            queue(address=f"p{n}@example.org")
        db.session.commit()
        reports = []

        def work() -> None:
            with app.app_context():
                reports.append(deliver_pass())
                db.session.remove()

        threads = [threading.Thread(target=work) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)

        assert sum(report.sent for report in reports) == 16
        per_id = Counter(smtp_server.recorder.message_ids())
        assert len(per_id) == 16 and set(per_id.values()) == {1}
