"""Roster files read back the way a spreadsheet would: exact header, Hangul, and no live formulas."""

from __future__ import annotations

import csv
import io
import zipfile

import openpyxl
import pytest

from matcher.roster import SECTIONS, RosterPair, header, roster_bytes, rows

from .sample import (
    CONTRACT_HEADER,
    CONTRACT_HEADER_WITH_CONTACTS,
    EXPORT_ID,
    FORMULA_PAYLOADS,
    person,
    sample_data,
)


def roster_file(fmt: str, include_contacts: bool = False, extra_pairs=()) -> bytes:
    pairs, unmatched, withdrawn = sample_data()
    lines = rows(
        EXPORT_ID,
        [*pairs, *extra_pairs],
        unmatched,
        withdrawn,
        include_contacts=include_contacts,
    )
    return roster_bytes(fmt, header(include_contacts), lines, EXPORT_ID)


def read_csv(data: bytes) -> tuple[list[str], list[dict[str, str]]]:
    assert data.startswith(b"\xef\xbb\xbf"), "Excel needs the BOM to read Hangul"
    reader = csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline=""))
    records = list(reader)
    return list(reader.fieldnames or []), records


def all_xlsx_cells(data: bytes) -> list[openpyxl.cell.cell.Cell]:
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    return [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]


def payload_pairs() -> list[RosterPair]:
    """A confirmed pair per payload, the payload in both names and in the end reason."""
    return [
        RosterPair(
            pair_id=f"P-X{n}",
            status="confirmed",
            student=person(f"S-X{n}", "student", payload),
            tutor=person(f"T-X{n}", "tutor", payload),
            shared_goals=payload,
            confirmed_by=payload,
        )
        for n, payload in enumerate(FORMULA_PAYLOADS)
    ]


@pytest.mark.parametrize("include_contacts", [False, True])
def test_csv_header_is_the_contracts_and_hangul_survives(include_contacts: bool) -> None:
    names, records = read_csv(roster_file("csv", include_contacts))
    assert names == (CONTRACT_HEADER_WITH_CONTACTS if include_contacts else CONTRACT_HEADER)
    assert [r["section"] for r in records] == [
        "matched", "matched", "ended", "unmatched", "unmatched", "withdrawn"
    ]  # fmt: skip
    assert {r["export_id"] for r in records} == {EXPORT_ID}
    assert any(r["student_name"] == "하늘*" for r in records)


@pytest.mark.parametrize("include_contacts", [False, True])
def test_xlsx_has_a_sheet_per_section_with_the_contracts_header(include_contacts: bool) -> None:
    workbook = openpyxl.load_workbook(io.BytesIO(roster_file("xlsx", include_contacts)))
    assert workbook.sheetnames == list(SECTIONS)
    expected = CONTRACT_HEADER_WITH_CONTACTS if include_contacts else CONTRACT_HEADER
    for sheet in workbook.worksheets:
        assert [c.value for c in next(sheet.iter_rows(max_row=1))] == expected
    matched = list(workbook["matched"].iter_rows(min_row=2, values_only=True))
    assert [line[2] for line in matched] == ["P-AAAA", "P-BBBB"]
    assert matched[1][4] == "하늘*"
    assert matched[1][expected.index("score")] == 9.35  # a number, not text
    assert [line[1] for line in workbook["unmatched"].iter_rows(min_row=2, values_only=True)] == [
        "unmatched",
        "unmatched",
    ]
    assert workbook.properties.identifier == EXPORT_ID
    assert workbook.properties.keywords == EXPORT_ID
    every_row = [r for s in workbook.worksheets for r in s.iter_rows(min_row=2, values_only=True)]
    assert {line[0] for line in every_row} == {EXPORT_ID}


def test_an_empty_section_still_gets_its_sheet_and_header() -> None:
    pairs, unmatched, _ = sample_data()
    lines = rows(EXPORT_ID, pairs, unmatched, [], include_contacts=False)
    workbook = openpyxl.load_workbook(
        io.BytesIO(roster_bytes("xlsx", header(False), lines, EXPORT_ID))
    )
    assert workbook["withdrawn"].max_row == 1
    assert workbook["withdrawn"]["A1"].value == "export_id"


def test_formula_payloads_are_inert_in_csv() -> None:
    _, records = read_csv(roster_file("csv", extra_pairs=payload_pairs()))
    for n, payload in enumerate(FORMULA_PAYLOADS):
        record = next(r for r in records if r["pair_id"] == f"P-X{n}")
        for column in ("student_name", "tutor_name", "shared_goals", "confirmed_by"):
            assert record[column] == "'" + payload, (column, payload)


def test_formula_payloads_are_inert_in_xlsx() -> None:
    data = roster_file("xlsx", extra_pairs=payload_pairs())
    cells = all_xlsx_cells(data)
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = {c.value for c in cells if isinstance(c.value, str)}
    for payload in FORMULA_PAYLOADS:
        payload = payload.replace("\r", "\n")  # XML reads a bare CR back as LF
        assert "'" + payload in texts
        assert payload not in texts
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name), name


def test_control_characters_cannot_uncover_a_formula_in_xlsx() -> None:
    nasty = RosterPair(
        pair_id="P-NUL",
        status="confirmed",
        student=person("S-N", "student", "\x01=cmd"),
        tutor=person("T-N", "tutor", "a\x00b\u202eevil"),
        end_reason="x" * 10_000,
    )
    cells = all_xlsx_cells(roster_file("xlsx", extra_pairs=[nasty]))
    values = {c.value for c in cells}
    assert "\ufffd=cmd" in values
    assert "a\ufffdb\u202eevil" in values
    assert "x" * 10_000 in values
    assert not [c for c in cells if c.data_type == "f"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_no_email_anywhere_in_the_file_without_contacts(fmt: str) -> None:
    data = roster_file(fmt, include_contacts=False)
    if fmt == "csv":
        assert b"@" not in data
        return
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            assert b"example.org" not in archive.read(name), name
    assert not any("@" in str(c.value) for c in all_xlsx_cells(data) if c.value)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_emails_are_in_the_file_with_contacts(fmt: str) -> None:
    data = roster_file(fmt, include_contacts=True)
    if fmt == "csv":
        _, records = read_csv(data)
        assert (
            next(r for r in records if r["pair_id"] == "P-AAAA")["tutor_email"] == "t-a@example.org"
        )
    else:
        assert "t-a@example.org" in {c.value for c in all_xlsx_cells(data)}
