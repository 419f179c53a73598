"""Benchmark: hostile applicant files on every path that reads them (a table, not a timed test).

Run: .venv/bin/python -m bench.hostile_files [--rows 2000000] [--only NAME]
Each file is generated once (synthetic; `tests/applicant_file/hostile.py` builds them), then each
path runs in its own subprocess so that its time and peak memory (``ru_maxrss`` from ``wait4``,
start-up included) are its alone:

- ``reader``: ``read_applicant_path`` with the default limits, nothing else;
- ``import``: ``flask applicants import`` on a fresh migrated SQLite database;
- ``preview``: ``flask match preview``;
- ``page``: the dashboard upload page, through Flask's test client, signed in.

The last column says how each ended: refused (with the first words of the message) or read.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.importing import COORDINATOR, SEMESTER, fresh_database

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from applicant_file import hostile, sheets  # noqa: E402  (tests/ is put on the path just above)

PATHS = ("reader", "import", "preview", "page")
_READER = """
import sys
from matcher.applicant_file import ApplicantFileError, read_applicant_path
try:
    result = read_applicant_path(sys.argv[1])
    print(f"read: {len(result.records)} records, {len(result.errors)} problems")
except ApplicantFileError as error:
    print(f"refused: {error}")
"""
_PAGE = """
import io, sys
from pathlib import Path
from matcher import create_app
from matcher.extensions import db
from matcher.models import Semester, User
app = create_app({"WTF_CSRF_ENABLED": False, "SESSION_COOKIE_SECURE": False})
with app.app_context():
    semester = db.session.scalars(db.select(Semester)).one()
    # The account made by the CLI must pick its own password first; the bench skips that step.
    db.session.scalars(db.select(User)).one().must_change_password = False
    db.session.commit()
    client = app.test_client()
    login = {"email": sys.argv[2], "password": "bench password long enough"}
    assert client.post("/login", data=login).status_code == 302
    path = Path(sys.argv[1])
    form = {"file": (io.BytesIO(path.read_bytes()), path.name), "status": "approved"}
    response = client.post(f"/dashboard/semesters/{semester.id}/import", data=form,
                           content_type="multipart/form-data")
    print(f"HTTP {response.status_code}, {len(response.data):,} bytes of HTML")
"""


def builders(rows: int) -> dict[str, tuple[str, Callable[[], bytes]]]:
    """The hostile files of issue 13, plus a sound 20,000-row workbook to compare with."""
    return {
        "declared A1:XFD1048576, one cell in the last row": ("giant.xlsx", hostile.declared_giant),
        f"{rows:,} identical rows": ("identical.xlsx", lambda: hostile.lazy_identical_rows(rows)),
        "100,000 identical rows (under the XML cap)": (
            "identical-100k.xlsx",
            lambda: hostile.lazy_identical_rows(100_000),
        ),
        "shared strings unpacking to 1 GB": ("bomb.xlsx", lambda: hostile.bomb_part(1024)),
        "one row of 1,000,000 empty cells": (
            "wide.xlsx",
            lambda: hostile.one_row_of_many_cells(1_000_000),
        ),
        "one email on 20,000 rows (CSV)": (
            "duplicates.csv",
            lambda: hostile.duplicate_email_csv(20_000),
        ),
        "one line of 19 million commas (CSV)": ("commas.csv", lambda: _csv(b"," * (19 << 20))),
        "19 million blank lines (CSV)": ("blank.csv", lambda: _csv(b"\n" * (19 << 20))),
        "sound: 20,000 distinct rows (xlsx)": ("sound.xlsx", _sound),
    }


def generate(folder: Path, rows: int) -> None:
    """Run in its own process: building a 1 GB part takes memory that the children's
    ``ru_maxrss`` would otherwise inherit from this process (Linux keeps it across exec)."""
    for name, build in builders(rows).values():
        path = folder / name
        if not path.exists():
            path.write_bytes(build())


def _csv(body: bytes) -> bytes:
    return ",".join(sheets.HEADER).encode() + b"\n" + body + b"x\n"


def _sound() -> bytes:
    same = hostile.student_cells
    return hostile.workbook(
        [hostile.header_row(), *(hostile.row_xml(n, same(n)) for n in range(2, 20_002))]
    )


def measure(command: list[str], env: dict[str, str]) -> tuple[float, float, int, str]:
    """Seconds, peak resident MB, bytes printed and how it ended, for one child process."""
    started = time.perf_counter()
    child = subprocess.Popen(
        command, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    assert child.stdout is not None
    output = child.stdout.read().decode("utf-8", "replace")
    _, _, usage = os.wait4(child.pid, 0)
    child.returncode = 0
    elapsed = time.perf_counter() - started
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    return elapsed, usage.ru_maxrss / 1024, len(output.encode()), _outcome(lines)


def _outcome(lines: list[str]) -> str:
    for line in lines:
        if line.startswith(("Error:", "refused:", "HTTP", "read:")):
            return line[:90]
    return (lines[-1] if lines else "")[:90]


def commands(path: Path, env: dict[str, str]) -> dict[str, list[str]]:
    python = [sys.executable]
    flask = [*python, "-m", "flask"]
    return {
        "reader": [*python, "-c", _READER, str(path)],
        "import": [*flask, "applicants", "import", "--semester", SEMESTER, str(path)],
        "preview": [*flask, "match", "preview", str(path), "--start", "2027-03-02",
                    "--end", "2027-06-19", "-o", os.devnull],
        "page": [*python, "-c", _PAGE, str(path), COORDINATOR],
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--only", choices=PATHS, action="append")
    parser.add_argument("--cache", type=Path, help="keep the generated files in this folder")
    parser.add_argument("--generate", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate:
        generate(args.generate, args.rows)
        return
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.cache or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [sys.executable, "-m", "bench.hostile_files", "--rows", str(args.rows),
             "--generate", str(folder)],
            cwd=ROOT,
            check=True,
        )  # fmt: skip
        env = fresh_database(Path(scratch) / "instance")
        print("| file | size | path | seconds | peak MB | printed bytes | outcome |")
        print("|---|---|---|---|---|---|---|")
        for label, (name, _) in builders(args.rows).items():
            path = folder / name
            size = f"{path.stat().st_size / 1024:,.1f} kB"
            for name, command in commands(path, env).items():
                if args.only and name not in args.only:
                    continue
                seconds, peak, printed, outcome = measure(command, env)
                print(
                    f"| {label} | {size} | {name} | {seconds:.2f} | {peak:.0f} | {printed:,} "
                    f"| {outcome} |"
                )
                sys.stdout.flush()


if __name__ == "__main__":
    main()
