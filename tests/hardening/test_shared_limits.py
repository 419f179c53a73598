"""Two gunicorn workers share one rate limit through Redis; per-worker memory would not."""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from matcher.config import Config
from matcher.security.ratelimit import choose_storage

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".venv" / "bin"
REDIS_DB = 13  # a database number nothing else here uses; flushed before and after
REDIS_URI = f"redis://127.0.0.1:6379/{REDIS_DB}"
LIMIT = int(Config.INTAKE_RATE_LIMIT.split()[0])  # "20 per hour": the production limit
POSTS = LIMIT + 10


def redis_client():
    redis = pytest.importorskip("redis")
    client = redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB, socket_timeout=2)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis is not running on 127.0.0.1:6379 (.ci/run starts it in CI)")
    return client


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated database for the module (the posts here are refused, so they write nothing)."""
    return tmp_path_factory.mktemp("limits")


def start_gunicorn(tmp_path: Path, storage: str) -> tuple[subprocess.Popen, str, Path]:
    """Two sync workers (not preloaded: each builds its own app and limiter) on a migrated DB."""
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "TEST_DATABASE_URL")}
    env.update(
        FLASK_APP="matcher",
        MATCHER_ENV="development",  # plain http on loopback; the limits are the production ones
        MATCHER_INSTANCE_PATH=str(tmp_path / "instance"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'limits.sqlite3'}",
        SECRET_KEY="two-workers-share-this-key-" + "x" * 20,
        RATELIMIT_STORAGE_URI=storage,
    )
    if not (tmp_path / "limits.sqlite3").exists():
        subprocess.run(
            [BIN / "flask", "db", "upgrade"], env=env, cwd=ROOT, check=True, capture_output=True
        )
    port = free_port()
    access_log = tmp_path / f"access-{port}.log"
    access_log.unlink(missing_ok=True)
    command = [BIN / "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}", "wsgi:app"]
    command += ["--access-logfile", str(access_log), "--access-logformat", "%(p)s %(m)s %(s)s"]
    server = subprocess.Popen(
        command,
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1).close()
            break
        except OSError:
            time.sleep(0.1)
    else:
        server.kill()
        pytest.fail("gunicorn did not start: " + server.stderr.read().decode()[-2000:])
    wait_for_both_workers(server, base, access_log)
    access_log.write_text("")  # count only the posts below
    return server, base, access_log


def wait_for_both_workers(server: subprocess.Popen, base: str, access_log: Path) -> None:
    """Each worker imports the app (numpy, scipy) on its own; on a busy machine the second
    can take seconds longer, and posts sent before it is up would all reach the first."""

    def ping(_n: int) -> None:
        urllib.request.urlopen(base + "/healthz", timeout=5).close()

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with ThreadPoolExecutor(max_workers=4) as pool:
            list(pool.map(ping, range(8)))
        time.sleep(0.3)
        pids = {line.split()[0] for line in access_log.read_text().splitlines() if "GET" in line}
        if len(pids) >= 2:
            return
    server.kill()
    pytest.fail("the second gunicorn worker never answered")


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()


def post_many(base: str) -> list[int]:
    """POSTS sign-up posts from one address, eight at a time so both workers take some."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/login").read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({"csrf_token": token, "display_name": "Limit Test*"}).encode()

    def post(_n: int) -> int:
        request = urllib.request.Request(base + "/apply/student", data=body, method="POST")
        try:
            with opener.open(request, timeout=30) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    with ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(post, range(POSTS)))


def worker_pids(access_log: Path) -> set[str]:
    time.sleep(0.5)  # gunicorn writes the access log line after the response
    return {line.split()[0] for line in access_log.read_text().splitlines() if " POST " in line}


@pytest.mark.slow
def test_the_limit_holds_across_two_workers_with_redis(site: Path) -> None:
    redis = redis_client()
    redis.flushdb()
    try:
        server, base, access_log = start_gunicorn(site, REDIS_URI)
        try:
            statuses = post_many(base)
        finally:
            stop(server)
        assert len(worker_pids(access_log)) == 2, "both workers must have answered"
        assert 500 not in statuses and 400 not in statuses, statuses
        assert statuses.count(429) == POSTS - LIMIT, statuses
        assert redis.dbsize() > 0  # the counters really live in Redis
    finally:
        redis.flushdb()


@pytest.mark.slow
def test_the_same_run_with_memory_storage_lets_more_through(site: Path) -> None:
    """The control: per-worker counters let more than the limit through, so the test above
    would notice if the workers stopped sharing their counters."""
    server, base, access_log = start_gunicorn(site, "memory://")
    try:
        statuses = post_many(base)
    finally:
        stop(server)
    assert len(worker_pids(access_log)) == 2, "both workers must have answered"
    assert statuses.count(429) < POSTS - LIMIT, statuses


def test_the_environment_chooses_shared_storage(make_app, monkeypatch) -> None:
    monkeypatch.delenv("RATELIMIT_STORAGE_URI", raising=False)
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/5")
    app = make_app()
    assert app.config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/5"
    assert app.config["RATELIMIT_IN_MEMORY_FALLBACK_ENABLED"] is True
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/6")
    assert make_app().config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/6"


def test_memory_storage_in_production_is_warned_about(make_app, monkeypatch, caplog) -> None:
    from flask import Flask

    monkeypatch.delenv("RATELIMIT_STORAGE_URI", raising=False)
    monkeypatch.delenv("REDIS_URL", raising=False)
    app = Flask("probe")
    app.config.update(ENV_NAME="production", RATELIMIT_STORAGE_URI="memory://")
    app.logger.disabled = False
    with caplog.at_level("WARNING"):
        choose_storage(app)
    assert "RATELIMIT_STORAGE_URI" in caplog.text
