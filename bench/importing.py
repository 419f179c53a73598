"""Benchmark of `flask applicants import` on generated files (a table, not a timed test).

Run: .venv/bin/python -m bench.importing [--rows 10000] [--seed 7]
Each run uses a fresh SQLite database (migrated with `flask db upgrade`, WAL as in production)
in a temporary folder. It times the real command in a subprocess (start-up included), then the
same steps in-process by phase: read and check the file, write (new rows, or updates of every
row the second time), commit. Names are generated pseudonyms, never real people.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from openpyxl import Workbook

HEADER = [
    "role",
    "display_name",
    "email",
    "timezone",
    "availability",
    "goals",
    "level",
    "gender",
    "gender_preference",
    "korean",
    "in_person",
    "capacity",
    "continue_with",
]
GOALS = ["conversation", "grammar", "speech", "academic", "career", "test-prep"]
LEVELS = ["beginner", "intermediate", "advanced"]
TUTOR_ZONES = ["America/New_York", "Europe/London", "Australia/Sydney", "Asia/Kathmandu"]
DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
SYLLABLES = ["ha", "neul", "byeol", "dal", "sae", "bom", "ga", "ram", "na", "ri", "jun", "o"]
SEMESTER = "Bench 2027"
COORDINATOR = "bench.coordinator@example.org"
ROOT = Path(__file__).resolve().parent.parent


def _window(rng: random.Random) -> str:
    start = rng.randrange(14, 44)  # half hours from 07:00
    length = rng.randint(2, 6)
    end = start + length
    end = end - 48 if end > 48 else end  # past midnight: the window crosses into the next day
    return f"{rng.choice(DAYS)} {start // 2:02d}:{start % 2 * 30:02d}-{end // 2:02d}:{end % 2 * 30:02d}"


def generate(rows: int, seed: int) -> list[list[str]]:
    """Half students in Seoul, half tutors around the world; every row valid."""
    rng = random.Random(seed)
    table = [HEADER]
    for n in range(rows):
        role = "student" if n % 2 == 0 else "tutor"
        name = "".join(rng.choice(SYLLABLES) for _ in range(3)).title()
        windows = "; ".join(_window(rng) for _ in range(rng.randint(1, 4)))
        goals = ";".join(rng.sample(GOALS, rng.randint(1, 3)))
        if role == "student":
            level = rng.choice(LEVELS)
            zone, preference, capacity = "Asia/Seoul", rng.choice(["", "", "female"]), ""
        else:
            level = ";".join(rng.sample(LEVELS, rng.randint(1, 3)))
            zone, preference, capacity = rng.choice(TUTOR_ZONES), "", str(rng.randint(1, 3))
        table.append(
            [
                role,
                f"{name} {n}",
                f"bench.{role}{n}@example.org",
                zone,
                windows,
                goals,
                level,
                rng.choice(["female", "male", "other", ""]),
                preference,
                rng.choice(["none", "basic", "fluent", ""]),
                rng.choice(["yes", "no", ""]),
                capacity,
                "",
            ]
        )
    return table


def write_files(table: list[list[str]], folder: Path) -> dict[str, Path]:
    csv_path = folder / "bench.csv"
    with open(csv_path, "w", encoding="utf-8", newline="") as stream:
        csv.writer(stream).writerows(table)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for line in table:
        sheet.append(line)
    xlsx_path = folder / "bench.xlsx"
    workbook.save(xlsx_path)
    return {"csv": csv_path, "xlsx": xlsx_path}


def fresh_database(instance: Path) -> dict[str, str]:
    """A migrated SQLite database with one coordinator and one semester; returns the env to use."""
    env = {**os.environ, "FLASK_APP": "matcher", "MATCHER_INSTANCE_PATH": str(instance)}
    flask = [sys.executable, "-m", "flask"]

    def run(*args: str, stdin: str | None = None) -> None:
        subprocess.run(
            [*flask, *args],
            env=env,
            cwd=ROOT,
            check=True,
            input=stdin,
            text=True,
            capture_output=True,
        )

    run("db", "upgrade")
    run(
        "users",
        "create-coordinator",
        COORDINATOR,
        "--name",
        "Bench",
        "--password-stdin",
        stdin="bench password long enough\n",
    )
    run("semester", "create", SEMESTER, "--start", "2027-03-02", "--end", "2027-06-19")
    return env


def time_command(env: dict[str, str], path: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "flask",
            "applicants",
            "import",
            "--semester",
            SEMESTER,
            "--by",
            COORDINATOR,
            str(path),
        ],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - started


def time_phases(instance: Path, path: Path) -> dict[str, float | int]:
    """The command's steps in-process, timed one by one (the app is already running)."""
    os.environ["MATCHER_INSTANCE_PATH"] = str(instance)
    from matcher import create_app
    from matcher.applicant_file import read_applicant_path
    from matcher.extensions import db
    from matcher.services.files.importing import import_applicants, importer_by_email
    from matcher.services.semesters.stages import get_semester

    app = create_app()
    with app.app_context():
        semester, user = get_semester(SEMESTER), importer_by_email(COORDINATOR)
        started = time.perf_counter()
        result = read_applicant_path(path, max_bytes=app.config["IMPORT_MAX_BYTES"])
        read = time.perf_counter()
        summary = import_applicants(
            semester,
            result,
            status="approved",
            imported_by=user,
            notice_version=app.config["PRIVACY_NOTICE_VERSION"],
            actor="bench",
        )
        written = time.perf_counter()
        db.session.commit()
        done = time.perf_counter()
        db.session.remove()
        db.engine.dispose()
    return {
        "new": summary.new,
        "updated": summary.updated,
        "read": read - started,
        "write": written - read,
        "commit": done - written,
        "total": done - started,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    table = generate(args.rows, args.seed)
    print(f"{args.rows:,} generated rows, fresh SQLite database per format, {date.today()}\n")
    print(
        "| file | run | command s (with start-up) | read+check s | write s | commit s "
        "| in-process total s | rows/s |"
    )
    print("|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="bench-import-") as folder:
        files = write_files(table, Path(folder))
        for fmt, path in files.items():
            size = f"{fmt} ({path.stat().st_size // 1024:,} kB)"
            env = fresh_database(Path(folder) / f"command-{fmt}")
            command = time_command(env, path)
            print(
                f"| {size} | `flask applicants import`, all new | {command:.2f} | | | | "
                f"| {args.rows / command:,.0f} |"
            )
            instance = Path(folder) / f"phases-{fmt}"
            fresh_database(instance)
            for run in ("all new", "same file again: all updated"):
                phases = time_phases(instance, path)
                print(
                    f"| {size} | in-process, {run} | | {phases['read']:.2f} | "
                    f"{phases['write']:.2f} | {phases['commit']:.2f} | {phases['total']:.2f} "
                    f"| {args.rows / phases['total']:,.0f} |"
                )
                sys.stdout.flush()


if __name__ == "__main__":
    main()
