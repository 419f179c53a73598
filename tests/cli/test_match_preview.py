"""`flask match preview`: a coordinator tries a spreadsheet before importing it, no database."""

from __future__ import annotations

import csv
import io
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from applicant_file.sheets import HEADER, to_csv
from click.testing import Result
from faker import Faker
from flask import Flask
from flask.testing import FlaskCliRunner
from openpyxl import Workbook

EXAMPLE = Path("/work/shared/contracts/applicants-example.csv")
PAIR_COLUMNS = [
    "student_email",
    "tutor_email",
    "student_name",
    "tutor_name",
    "score",
    "windows_seoul",
    "windows_student_local",
    "windows_tutor_local",
]
SPRING = ["--start", "2027-03-02", "--end", "2027-06-19"]

fake = Faker(["en_US", "ko_KR"])


def person(role: str, n: int, **overrides: str) -> dict[str, str]:
    """A made-up applicant in Seoul, free Monday and Wednesday evenings."""
    locale = "ko_KR" if role == "student" else "en_US"
    fake.seed_instance(f"{role}{n}")  # the same name whatever ran before (no shared seed)
    return {
        "role": role,
        "display_name": f"{fake[locale].first_name()} {n}",
        "email": f"{role}{n}@example.org",
        "timezone": "Asia/Seoul",
        "availability": "Mon 19:00-21:00; Wed 19:00-21:00",
        "goals": "conversation;grammar",
        "level": "beginner" if role == "student" else "beginner;intermediate;advanced",
        "gender": "female",
        "korean": "basic",
        "in_person": "no",
    } | overrides


def write_csv_file(path: Path, rows: list[dict[str, str]], encoding: str = "utf-8") -> Path:
    path.write_bytes(to_csv(rows, newline="\r\n", encoding=encoding))
    return path


def read_pairs(text: str) -> tuple[str, list[dict[str, str]]]:
    """Read the CSV as any reader would: the header must be the first line after the BOM."""
    assert text.startswith("\ufeff")
    reader = csv.DictReader(io.StringIO(text[1:], newline=""))
    rows = list(reader)
    return ",".join(reader.fieldnames or []), rows


@pytest.fixture
def cli(make_app: Callable[..., Flask]) -> FlaskCliRunner:
    """The real app, but with no tables created: preview must not need a database."""
    return make_app(create_tables=False).test_cli_runner()


def preview(cli: FlaskCliRunner, *args: object) -> Result:
    return cli.invoke(args=["match", "preview", *(str(a) for a in args)])


def test_example_file_gives_pairs_in_the_contract_columns(cli: FlaskCliRunner, tmp_path: Path):
    out = tmp_path / "pairs.csv"
    result = preview(cli, EXAMPLE, *SPRING, "-o", out)
    assert result.exit_code == 0, result.output
    header, rows = read_pairs(out.read_text(encoding="utf-8"))
    assert header.split(",")[:8] == PAIR_COLUMNS
    assert rows, "the example file has feasible pairs"
    emails = {row["student_email"] for row in rows} | {row["tutor_email"] for row in rows}
    assert all(email.endswith("@example.org") for email in emails)
    assert "Read applicants-example.csv: 8 students and 8 tutors." in result.output
    assert f"Matched {len(rows)} of 8 students (total score " in result.output
    assert f"Wrote {len(rows)} pair" in result.output


def test_without_o_the_csv_is_on_stdout_and_the_summary_on_stderr(
    cli: FlaskCliRunner, tmp_path: Path
) -> None:
    rows = [person("student", 1), person("tutor", 1)]
    result = preview(cli, write_csv_file(tmp_path / "a.csv", rows), *SPRING)
    assert result.exit_code == 0, result.output
    header, pairs = read_pairs(result.stdout)
    assert header.startswith(",".join(PAIR_COLUMNS))
    assert [(p["student_email"], p["tutor_email"]) for p in pairs] == [
        ("student1@example.org", "tutor1@example.org")
    ]
    assert pairs[0]["windows_seoul"].startswith("Mon 19:00-21:00")
    assert "Matched 1 of 1 student" in result.stderr
    assert "Matched" not in result.stdout


def test_formula_payloads_come_out_inert(cli: FlaskCliRunner, tmp_path: Path) -> None:
    hostile = [
        '=HYPERLINK("http://evil.example","click")',
        "+1",
        "-2",
        "@SUM(A1:A9)",
        "＝1+1",
        "<script>alert(1)</script>",
    ]
    rows = [person("student", n, display_name=name) for n, name in enumerate(hostile)]
    rows += [person("tutor", n, display_name=name) for n, name in enumerate(hostile)]
    result = preview(cli, write_csv_file(tmp_path / "a.csv", rows), *SPRING)
    assert result.exit_code == 0, result.output
    _, pairs = read_pairs(result.stdout)
    names = sorted(p["student_name"] for p in pairs) + sorted(p["tutor_name"] for p in pairs)
    assert len(names) == 12
    for name in names:
        if "script" in name:
            assert name == "<script>alert(1)</script>"
        else:
            assert name.startswith("'"), name
            assert name[1:] in hostile


def test_bad_rows_are_all_reported_and_nothing_is_matched(
    cli: FlaskCliRunner, tmp_path: Path
) -> None:
    rows = [
        person("student", 1, timezone="KST"),
        person("student", 2),
        person("tutor", 1, capacity="4", availability="Mon 19:15-20:00"),
        person("tutor", 2, email="student2@example.org", goals="travel"),
    ]
    out = tmp_path / "pairs.csv"
    result = preview(cli, write_csv_file(tmp_path / "bad.csv", rows), *SPRING, "-o", out)
    assert result.exit_code != 0
    assert 'bad.csv: row 2, timezone: "KST" is an abbreviation' in result.stderr
    assert "bad.csv: row 4, availability: 'Mon 19:15-20:00': minutes must be 00 or 30" in (
        result.stderr
    )
    assert "bad.csv: row 4, capacity:" in result.stderr
    assert 'bad.csv: row 5, goals: unknown goal "travel"' in result.stderr
    assert "4 problems in 3 rows; nothing was matched" in result.stderr
    assert not out.exists()


def test_a_missing_column_is_reported(cli: FlaskCliRunner, tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("role,display_name,email\nstudent,Mina,mina@example.org\n")
    result = preview(cli, path, *SPRING)
    assert result.exit_code != 0
    assert 'row 1, timezone: the required column "timezone" is missing' in result.stderr
    assert result.stdout == ""


def test_an_unreadable_file_gets_one_clear_message(cli: FlaskCliRunner, tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes("role\nstudent,Zoë\xff".encode("latin-1"))
    result = preview(cli, path, *SPRING)
    assert result.exit_code != 0
    assert "CSV UTF-8" in result.stderr


def test_an_oversized_file_is_refused_by_the_configured_limit(
    make_app: Callable[..., Flask], tmp_path: Path
) -> None:
    cli = make_app(create_tables=False, IMPORT_MAX_BYTES=100).test_cli_runner()
    rows = [person("student", n) for n in range(5)]
    result = preview(cli, write_csv_file(tmp_path / "a.csv", rows), *SPRING)
    assert result.exit_code != 0
    assert "over the limit of 100 bytes" in result.stderr


def test_unmatched_students_are_listed_with_their_reason(
    cli: FlaskCliRunner, tmp_path: Path
) -> None:
    rows = [
        person("student", 1),
        person("student", 2, gender_preference="male"),
        person("student", 3, availability="Sun 06:00-07:00"),
        person("tutor", 1),
        person("tutor", 2, capacity="2"),
    ]
    out = tmp_path / "pairs.csv"
    result = preview(cli, write_csv_file(tmp_path / "a.csv", rows), *SPRING, "-o", out)
    assert result.exit_code == 0, result.output
    assert "Matched 1 of 3 students" in result.output
    assert "Unmatched: 2 students, 1 tutor." in result.output
    lines = result.output.splitlines()
    (preference,) = [line for line in lines if "S003 (row 3, " in line]
    assert "gender preference" in preference
    (no_time,) = [line for line in lines if "S004 (row 4, " in line]
    assert "No tutor shares a full session in every week" in no_time
    assert "Mon 19:00-20:00 (Seoul time) would open 2 more tutors" in no_time
    _, pairs = read_pairs(out.read_text(encoding="utf-8"))
    assert [p["student_email"] for p in pairs] == ["student1@example.org"]


def test_an_xlsx_file_previews_like_the_csv(cli: FlaskCliRunner, tmp_path: Path) -> None:
    rows = [person("student", 1, display_name="김하늘"), person("tutor", 1)]
    workbook = Workbook()
    workbook.active.append(HEADER)
    for row in rows:
        workbook.active.append([row.get(name) or None for name in HEADER])
    workbook.save(tmp_path / "a.xlsx")
    from_xlsx = preview(cli, tmp_path / "a.xlsx", *SPRING)
    from_csv = preview(cli, write_csv_file(tmp_path / "a.csv", rows), *SPRING)
    assert from_xlsx.exit_code == 0, from_xlsx.output
    assert from_xlsx.stdout == from_csv.stdout
    assert "김하늘" in from_xlsx.stdout


def test_a_cp949_file_is_read_and_the_summary_says_so(cli: FlaskCliRunner, tmp_path: Path):
    rows = [person("student", 1, display_name="이서윤"), person("tutor", 1)]
    path = write_csv_file(tmp_path / "korean.csv", rows, encoding="cp949")
    result = preview(cli, path, *SPRING)
    assert result.exit_code == 0, result.output
    assert "read as Korean Windows text (CP949)" in result.stderr
    _, pairs = read_pairs(result.stdout)
    assert pairs[0]["student_name"] == "이서윤"


def test_unknown_columns_are_mentioned(cli: FlaskCliRunner, tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    write_csv_file(path, [person("student", 1), person("tutor", 1)])
    text = path.read_text().splitlines()
    path.write_text("\n".join([text[0] + ",Notes"] + [line + ",x" for line in text[1:]]) + "\n")
    result = preview(cli, path, *SPRING)
    assert result.exit_code == 0, result.output
    assert 'Ignored unknown column: "Notes".' in result.stderr
    # Said with a refusal too: a misspelt column is a common cause of bad rows.
    broken = path.read_text().replace("Mon 19:00", "Mon 19:10", 1)
    path.write_text(broken)
    refused = preview(cli, path, *SPRING)
    assert refused.exit_code != 0 and 'Ignored unknown column: "Notes".' in refused.stderr


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--start", "2027-06-19", "--end", "2027-03-02"], "before the first day"),
        (["--start", "02/03/2027", "--end", "2027-06-19"], "YYYY-MM-DD"),
        (["--start", "2027-03-02", "--end", "2029-03-02"], "at most 366 days"),
        ([*SPRING, "--session-minutes", "10"], "15<=x<=240"),
        ([*SPRING, "--session-minutes", "300"], "15<=x<=240"),
        ([*SPRING, "--session-minutes", "hour"], "not a valid integer"),
    ],
)
def test_bad_options_are_refused_clearly(
    cli: FlaskCliRunner, tmp_path: Path, args: list[str], words: str
) -> None:
    path = write_csv_file(tmp_path / "a.csv", [person("student", 1), person("tutor", 1)])
    result = preview(cli, path, *args)
    assert result.exit_code != 0
    assert words in result.stderr
    assert result.stdout == ""


def test_a_missing_file_is_refused(cli: FlaskCliRunner, tmp_path: Path) -> None:
    result = preview(cli, tmp_path / "nope.csv", *SPRING)
    assert result.exit_code != 0
    assert "does not exist" in result.stderr


def test_output_may_not_overwrite_the_input(cli: FlaskCliRunner, tmp_path: Path) -> None:
    path = write_csv_file(tmp_path / "a.csv", [person("student", 1), person("tutor", 1)])
    before = path.read_bytes()
    result = preview(cli, path, *SPRING, "-o", path)
    assert result.exit_code != 0
    assert "would overwrite the applicants file" in result.stderr
    assert path.read_bytes() == before


def test_a_longer_session_can_leave_a_student_without_a_tutor(
    cli: FlaskCliRunner, tmp_path: Path
) -> None:
    rows = [
        person("student", 1, availability="Mon 19:00-20:00"),
        person("tutor", 1, availability="Mon 19:00-20:00"),
    ]
    path = write_csv_file(tmp_path / "a.csv", rows)
    assert "Matched 1 of 1" in preview(cli, path, *SPRING).stderr
    result = preview(cli, path, *SPRING, "--session-minutes", "90")
    assert result.exit_code == 0
    assert "Matched 0 of 1 student" in result.stderr


def test_preview_works_without_a_database_and_creates_none(
    cli: FlaskCliRunner, tmp_path: Path, database_url: str
) -> None:
    path = write_csv_file(tmp_path / "a.csv", [person("student", 1), person("tutor", 1)])
    result = preview(cli, path, *SPRING)
    assert result.exit_code == 0, result.output
    if database_url.startswith("sqlite:///"):
        database = Path(database_url.removeprefix("sqlite:///"))
        if database.exists():
            with sqlite3.connect(database) as connection:
                tables = connection.execute("SELECT name FROM sqlite_master").fetchall()
            assert tables == []
