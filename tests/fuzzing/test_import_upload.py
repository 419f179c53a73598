"""Hostile uploads to the import page, and hostile confirms and cancels after a good preview.

Files: random bytes; CSV in UTF-8 (with or without BOM), UTF-16, CP949 or Latin-1; XLSX; each
with hostile cells (markup, formulas, 150 kB strings, shuffled or odd headers) and then maybe
truncated, bit-flipped or spliced. Never a server error, never raw markup; the preview stores
nothing and stages the file only when it shows a confirm button; only the right token, in the
right semester, imports, and only then is anything stored (and audited).
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from applicant_file import sheets
from flask import Flask
from hypothesis import event, given
from hypothesis import strategies as st
from importing.files import student, tutor
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from .hostile import (
    MARKUP,
    choice,
    clean_text,
    form_posts,
    fuzz_settings,
    mostly,
    postable,
    spiked,
    text,
)
from .invariants import check_audited, check_pairs, compare, post_and_check, snapshot
from .world import STATUSES, STORED_NAMES

pytestmark = pytest.mark.db

HEADER = sheets.HEADER
cell = st.one_of(
    text,
    st.sampled_from(['=HYPERLINK("http://evil.example","x")', "=1+1", "@SUM(A1)", "x" * 150_000]),
)
header = st.integers(0, 3).flatmap(
    lambda n: (
        st.just(HEADER)
        if n
        else st.one_of(
            st.permutations(HEADER),
            st.lists(st.one_of(st.sampled_from([*HEADER, "Email ", "ROLE", "", "extra"]), choice)),
        )
    )
)


@st.composite
def people(draw: st.DrawFn) -> list[dict[str, str]]:
    """Two to four valid rows, with up to three cells made hostile. Names and emails are fixed
    by position (each example has its own semester), so a replayed example is the same file."""
    kinds = [student, tutor, *draw(st.lists(st.sampled_from([student, tutor]), max_size=2))]
    rows = [
        make(display_name=f"Byeol {k}", email=f"fuzz.import{k}@example.org")
        for k, make in enumerate(kinds)
    ]
    for _ in range(draw(st.one_of(st.just(0), st.integers(1, 3)))):
        row = draw(st.sampled_from(rows))
        row[draw(st.sampled_from(HEADER))] = draw(cell)
    return rows


@st.composite
def csv_file(draw: st.DrawFn) -> bytes:
    rows = [{k: clean_text(v) for k, v in row.items()} for row in draw(people())]
    columns = [clean_text(name) for name in draw(header)]
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    content = sheets.to_csv(rows, columns, bom=draw(st.booleans()), newline=newline)
    encoding = draw(mostly(st.just("utf-8"), st.sampled_from(["utf-16", "cp949", "latin-1"])))
    return content.decode("utf-8").encode(encoding, "replace")


@st.composite
def xlsx_file(draw: st.DrawFn) -> bytes:
    """A workbook can hold no control characters: openpyxl refuses them, and so would Excel."""

    def storable(value: str) -> str:
        return ILLEGAL_CHARACTERS_RE.sub("", clean_text(value))

    rows = [{k: storable(v) for k, v in row.items()} for row in draw(people())]
    return sheets.to_xlsx(rows, [storable(name) for name in draw(header)])


@st.composite
def mangled(draw: st.DrawFn, files: st.SearchStrategy[bytes]) -> bytes:
    """A file as made, cut short, with bytes flipped, or with junk spliced in."""
    data = bytearray(draw(files))
    how = draw(mostly(st.just("as made"), st.sampled_from(["cut", "flipped", "spliced"])))
    if how == "cut":
        del data[draw(st.integers(0, len(data))) :]
    elif how == "flipped" and data:
        for at in draw(st.lists(st.integers(0, len(data) - 1), min_size=1, max_size=8)):
            data[at] ^= draw(st.integers(1, 255))
    elif how == "spliced":
        at = draw(st.integers(0, len(data)))
        data[at:at] = draw(st.binary(min_size=1, max_size=64))
    return bytes(data)


def file_names(suffix: str) -> st.SearchStrategy[str]:
    """Mostly the right ending; sometimes the other one, none, or a hostile name."""
    odd = ["spring", "spring.txt", "spring.xlsx.csv", ".csv", "../../etc/passwd.csv", "봄 학기.csv"]
    return mostly(
        st.sampled_from([f"spring{suffix}", f"SPRING{suffix.upper()}"]),
        st.one_of(
            st.sampled_from([*odd, *(m + suffix for m in MARKUP)]),
            spiked(st.just(f"spring{suffix}")),
            text.map(lambda t: t + suffix),
        ),
    )


@st.composite
def uploads(draw: st.DrawFn) -> tuple[bytes, str]:
    kind = draw(mostly(st.sampled_from(["csv", "xlsx"]), st.just("bytes")))
    if kind == "csv":
        return draw(mangled(csv_file())), draw(file_names(".csv"))
    if kind == "xlsx":
        return draw(mangled(xlsx_file())), draw(file_names(".xlsx"))
    return draw(st.binary(max_size=4096)), draw(
        file_names(draw(st.sampled_from([".csv", ".xlsx"])))
    )


def staged(app: Flask) -> set[str]:
    folder = Path(app.instance_path) / "imports"
    return {p.name for p in folder.iterdir()} if folder.exists() else set()


def token_of(page: str) -> str | None:
    found = re.search(r'name="token" type="hidden" value="([^"]+)"', page)
    return found.group(1) if found else None


def import_url(semester_id: int, action: str = "") -> str:
    return f"/dashboard/semesters/{semester_id}/import{action}"


OPTIONS = {
    "status": ("approved", st.one_of(st.sampled_from(["approved", "pending"]), choice)),
    "skip_invalid": (None, st.one_of(st.just("y"), choice)),
}


@pytest.mark.slow
@fuzz_settings(ci_examples=40, dev_examples=200)
@given(data=st.data())
def test_an_upload_never_breaks_anything(app, build_world, data) -> None:
    world = build_world(
        data.draw(mostly(st.sampled_from(STATUSES[:3]), st.just("closed")), label="status"),
        data.draw(st.sampled_from(STORED_NAMES), label="name"),
    )
    content, filename = data.draw(uploads(), label="file")
    form: dict = postable(data.draw(form_posts(OPTIONS), label="form"))
    if data.draw(st.integers(0, 9), label="with file") > 0:
        form["file"] = (io.BytesIO(content), clean_text(filename))
    waiting, before = staged(app), snapshot()
    answer, response = post_and_check(
        world.client,
        import_url(world.semester_id),
        form,
        content_type="multipart/form-data",
        redirects_when_done=False,
    )
    change = compare(before, snapshot())
    assert not change.tables and not change.events, "a preview stored something"
    token = token_of(response.get_data(as_text=True))
    event(f"{answer.status} {'with' if token else 'without'} a confirm button")
    if token is None:
        assert staged(app) == waiting, "a refused file was kept"
        return
    assert answer.status == 200 and staged(app) == waiting | {token}
    if data.draw(st.booleans(), label="confirm"):
        before = snapshot()
        answer, _ = post_and_check(
            world.client,
            import_url(world.semester_id, "/confirm"),
            {"token": token},
            redirects_when_done=False,
        )
        change = compare(before, snapshot())
        check_audited(change, refused=answer.refused, audited_without_change=frozenset())
        assert change.tables <= {"applicants"}
        assert answer.refused or change.ok_events == {"applicants.import"}
        check_pairs(world.semester_id)
    else:
        post_and_check(
            world.client,
            import_url(world.semester_id, "/cancel"),
            {"token": token},
            redirects_when_done=False,
        )
    assert staged(app) == waiting, "the upload outlived its confirm or cancel"


@pytest.mark.slow
@fuzz_settings(ci_examples=20, dev_examples=100)
@given(data=st.data())
def test_confirm_and_cancel_take_only_their_own_upload(app, build_world, data) -> None:
    world = build_world("matching", data.draw(st.sampled_from(STORED_NAMES), label="name"))
    rows = [student(), tutor()]
    preview = world.client.post(
        import_url(world.semester_id),
        data={"file": (io.BytesIO(sheets.to_csv(rows)), "spring.csv"), "status": "approved"},
        content_type="multipart/form-data",
    )
    token = token_of(preview.get_data(as_text=True))
    assert preview.status_code == 200 and token, preview.text
    action = data.draw(st.sampled_from(["/confirm", "/cancel"]), label="action")
    semester_id = data.draw(st.sampled_from([world.semester_id, 10**9]), label="semester")
    fields = {"token": (token, st.one_of(spiked(st.just(token)), st.just(token[:-1]), choice))}
    form = data.draw(form_posts(fields), label="form")
    before = snapshot()
    answer, _ = post_and_check(
        world.client,
        import_url(semester_id, action),
        postable(form),
        redirects_when_done=False,
    )
    change = compare(before, snapshot())
    sent = form.get("token")
    sent = sent[0] if isinstance(sent, list) else sent
    imported = action == "/confirm" and sent == token and semester_id == world.semester_id
    event("imported" if imported else f"{answer.status}")
    if imported:
        assert answer.status == 200 and change.ok_events == {"applicants.import"}
        assert change.tables == {"applicants"} and len(change.rows["applicants"]) == len(rows)
    else:
        assert not change.tables and not change.events, "stored without the right confirm"
    if semester_id == world.semester_id and sent == token:
        assert token not in staged(app), "the upload outlived its confirm or cancel"
