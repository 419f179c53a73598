"""Whole-file reading: encodings, line ends, quoting, size, empty files and workbooks."""

from __future__ import annotations

import io
import unicodedata
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from matcher.applicant_file import ApplicantFileError, read_applicant_file, read_applicant_path

from .sample import HEADER, student, to_csv, to_xlsx, tutor


def test_a_plain_utf8_file_gives_one_record_per_row() -> None:
    rows = [student(), tutor(), student()]
    result = read_applicant_file(to_csv(rows), "signups.csv")
    assert result.ok
    assert result.encoding == "utf-8"
    assert [r.email for r in result.records] == [row["email"] for row in rows]
    assert [r.row for r in result.records] == [2, 3, 4]


@pytest.mark.parametrize("bom", [False, True])
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_bom_and_line_ends_do_not_change_the_records(bom: bool, newline: str) -> None:
    rows = [student(display_name="Hana Kim"), tutor(display_name="Ann Lee")]
    result = read_applicant_file(to_csv(rows, bom=bom, newline=newline), "a.csv")
    assert result.ok
    assert [r.display_name for r in result.records] == ["Hana Kim", "Ann Lee"]
    assert [r.role for r in result.records] == ["student", "tutor"]


def test_quoted_cells_with_commas_quotes_and_line_breaks_are_one_cell() -> None:
    rows = [
        student(display_name='Kim, "Sunny"', availability="Mon 19:00-20:00;\nTue 19:00-20:00"),
        student(),
    ]
    result = read_applicant_file(to_csv(rows, newline="\r\n"), "a.csv")
    assert result.ok, result.errors
    assert result.records[0].display_name == 'Kim, "Sunny"'
    assert len(result.records[0].windows) == 2
    # Row numbers count records, as a spreadsheet shows them, not physical lines.
    assert result.records[1].row == 3


def test_cp949_file_is_read_with_its_hangul_names_and_reported() -> None:
    rows = [student(display_name="김하늘 1"), tutor(display_name="이서윤")]
    result = read_applicant_file(to_csv(rows, encoding="cp949"), "korean-excel.csv")
    assert result.ok
    assert result.encoding == "cp949"
    assert [r.display_name for r in result.records] == ["김하늘 1", "이서윤"]


def test_a_file_in_neither_utf8_nor_cp949_is_refused_with_how_to_save_it() -> None:
    data = to_csv([student()]) + "Zoë,Ångström\n".encode("latin-1") + b"\xff\xfe"
    with pytest.raises(ApplicantFileError, match="CSV UTF-8"):
        read_applicant_file(data, "a.csv")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le"])
def test_a_utf16_file_is_refused_with_how_to_save_it(encoding: str) -> None:
    data = to_csv([student()], encoding=encoding)
    with pytest.raises(ApplicantFileError, match="CSV UTF-8"):
        read_applicant_file(data, "a.csv")


def test_decomposed_hangul_from_a_mac_becomes_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", "한별 이")
    assert decomposed != "한별 이"
    result = read_applicant_file(to_csv([student(display_name=decomposed)]), "a.csv")
    assert result.records[0].display_name == "한별 이"


def test_empty_file_is_refused() -> None:
    with pytest.raises(ApplicantFileError, match="empty"):
        read_applicant_file(b"", "a.csv")


def test_a_file_of_blank_lines_and_a_bom_is_refused_as_empty() -> None:
    with pytest.raises(ApplicantFileError, match="empty"):
        read_applicant_file("\ufeff\r\n,,,\r\n".encode(), "a.csv")


def test_header_only_file_is_refused() -> None:
    with pytest.raises(ApplicantFileError, match="header row but no applicants"):
        read_applicant_file(to_csv([]), "a.csv")


def test_entirely_empty_rows_are_skipped_and_numbering_keeps_counting() -> None:
    data = to_csv([student()]) + b",,,,,,,,,,,,\n\n" + to_csv([tutor()]).split(b"\n", 1)[1]
    result = read_applicant_file(data, "a.csv")
    assert result.ok
    assert [r.row for r in result.records] == [2, 5]


def test_an_oversized_file_is_refused_before_parsing() -> None:
    data = to_csv([student() for _ in range(20)])
    with pytest.raises(ApplicantFileError, match="over the limit"):
        read_applicant_file(data, "a.csv", max_bytes=len(data) - 1)
    # Garbage under the limit would have been refused for its content instead.
    with pytest.raises(ApplicantFileError, match="over the limit"):
        read_applicant_file(b"\xff" * 2000, "a.csv", max_bytes=1000)


def test_the_default_limit_is_20_megabytes(tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    with path.open("wb") as stream:
        stream.truncate(20 * 1024 * 1024 + 1)
    with pytest.raises(ApplicantFileError, match=r"20\.1 MB, over the limit of 20\.0 MB"):
        read_applicant_path(path)


def test_other_file_types_are_refused_by_name() -> None:
    with pytest.raises(ApplicantFileError, match=r"not a \.csv or \.xlsx"):
        read_applicant_file(to_csv([student()]), "signups.xls")


def test_a_workbook_named_csv_gets_a_hint() -> None:
    with pytest.raises(ApplicantFileError, match="Excel workbook"):
        read_applicant_file(to_xlsx([student()]), "signups.csv")


def test_xlsx_with_the_same_content_gives_the_same_records() -> None:
    rows = [student(display_name="박지민"), tutor(capacity="3"), student(in_person="yes")]
    header = list(reversed(HEADER))
    from_csv = read_applicant_file(to_csv(rows, header), "a.csv")
    from_xlsx = read_applicant_file(to_xlsx(rows, header), "a.xlsx")
    assert from_csv.ok and from_xlsx.ok
    assert from_xlsx.records == from_csv.records
    assert from_xlsx.encoding == "xlsx"


def test_xlsx_reads_saved_values_and_never_runs_formulas() -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    row = student()
    sheet.append([row[name] for name in HEADER])
    sheet["B2"] = '=HYPERLINK("http://evil.example","x")'
    sheet.append([tutor()[name] for name in HEADER])
    second = workbook.create_sheet("notes")
    second.append(["this sheet is ignored"])
    out = io.BytesIO()
    workbook.save(out)
    result = read_applicant_file(out.getvalue(), "a.xlsx")
    # A formula never calculated by Excel has no saved value: the name reads as empty.
    assert [(e.row, e.column) for e in result.errors] == [(2, "display_name")]
    assert len(result.records) == 1


def test_a_broken_workbook_is_refused_plainly() -> None:
    with pytest.raises(ApplicantFileError, match="cannot be opened"):
        read_applicant_file(b"PK\x03\x04 not really a zip", "a.xlsx")


def test_an_unbalanced_quote_is_reported_with_its_row() -> None:
    data = to_csv([student()]) + b'student,"Kim,a@example.org\n' + to_csv([tutor()])
    with pytest.raises(ApplicantFileError, match=r"Row 3 is not valid CSV.*quotation marks"):
        read_applicant_file(data, "a.csv")


def test_a_workbook_with_a_damaged_sheet_is_refused_plainly() -> None:
    good = io.BytesIO(to_xlsx([student()]))
    damaged = io.BytesIO()
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(damaged, "w") as target:
        for item in source.infolist():
            body = source.read(item.filename)
            if item.filename.endswith("sheet1.xml"):
                body = body[: len(body) // 2]
            target.writestr(item, body)
    with pytest.raises(ApplicantFileError, match="cannot be opened as an Excel workbook"):
        read_applicant_file(damaged.getvalue(), "a.xlsx")
