"""Hostile files are refused early with a plain message, and problem listings stay short.

Time and memory are measured by `bench/hostile_files.py`, not asserted here: these tests pin
the behaviour (refusal, message, what is still read) on small synthetic files.
"""

from __future__ import annotations

import pytest

from applicant_file import hostile, sheets
from matcher.applicant_file import ApplicantFileError, FileLimits, read_applicant_file
from matcher.applicant_file.messages import LONGEST_MESSAGE, first_problems


def refusal(data: bytes, filename: str = "spring.xlsx", **limits: int) -> str:
    with pytest.raises(ApplicantFileError) as caught:
        read_applicant_file(data, filename, limits=FileLimits(**limits))
    return str(caught.value)


def test_a_workbook_declaring_a_million_rows_with_a_cell_in_the_last_is_refused() -> None:
    data = hostile.declared_giant()
    assert len(data) < 2500  # the 1.7 kB file
    message = refusal(data)
    assert "Row 1,048,576 has data" in message
    assert "at most 20,000 applicants" in message


def test_a_declared_dimension_is_not_trusted_for_the_rows_that_are_there() -> None:
    result = read_applicant_file(hostile.declared_giant_but_small(), "spring.xlsx")
    assert result.ok
    assert [record.row for record in result.records] == [2, 3]
    assert len(result.header) == len(sheets.HEADER)  # not padded to 16,384 cells


def test_rows_past_the_configured_limit_are_refused_and_up_to_it_are_read() -> None:
    assert "Row 52 has data" in refusal(hostile.identical_rows(51), max_rows=50)
    result = read_applicant_file(
        hostile.identical_rows(50), "s.xlsx", limits=FileLimits(max_rows=50)
    )
    assert len(result.rejected) == 50  # read, then refused row by row as duplicates


def test_a_sheet_that_unpacks_past_the_limit_is_refused_before_reading() -> None:
    message = refusal(hostile.identical_rows(5000), max_sheet_xml=1024 * 1024)
    assert "sheet unpacks to" in message and "over the limit of 1 MB" in message


def test_a_zip_bomb_in_another_part_is_refused() -> None:
    data = hostile.bomb_part(17)
    assert len(data) < 100_000
    assert "'xl/sharedStrings.xml' unpacks to 17.0 MB" in refusal(data)


def test_a_row_with_more_cells_than_excel_allows_is_refused() -> None:
    assert "more than 16,384 cells" in refusal(hostile.one_row_of_many_cells(20_000))


def test_data_past_the_column_limit_is_refused() -> None:
    assert "Row 3 has data in column 101" in refusal(hostile.value_in_column(101))
    result = read_applicant_file(hostile.value_in_column(100), "spring.xlsx")
    assert result.records and result.errors_for(3)  # read; row 3 is just a bad row


def test_a_sheet_with_a_document_type_is_refused() -> None:
    message = refusal(hostile.with_doctype())
    assert "document type" in message or "cannot be opened" in message


def test_csv_rows_past_the_limit_are_refused_but_trailing_blank_lines_are_not() -> None:
    rows = [dict(zip(sheets.HEADER, hostile.student_cells(n), strict=False)) for n in range(21)]
    message = refusal(sheets.to_csv(rows), "spring.csv", max_rows=20)
    assert "The file has data after row 21, but at most 20 applicants" in message
    padded = sheets.to_csv(rows[:20]) + b"\n" * 10_000
    result = read_applicant_file(padded, "spring.csv", limits=FileLimits(max_rows=20))
    assert len(result.records) == 20


def test_csv_data_past_the_column_limit_is_refused_but_empty_cells_are_not() -> None:
    header = ",".join(sheets.HEADER)
    row = ",".join(hostile.student_cells(2))
    assert "column 101" in refusal(f"{header}\n{row}{',' * 94}x\n".encode(), "a.csv")
    result = read_applicant_file(f"{header}\n{row}{',' * 5000}\n".encode(), "a.csv")
    assert len(result.records) == 1


def test_a_csv_line_of_more_cells_than_excel_allows_is_refused_before_it_is_split() -> None:
    header = ",".join(sheets.HEADER)
    message = refusal(f"{header}\n{',' * 1_000_000}x\n".encode(), "a.csv")
    assert message.startswith("Row 2 has more than 16,384 cells")


def test_one_email_on_many_rows_names_ten_rows_per_message_and_counts_the_rest() -> None:
    result = read_applicant_file(hostile.duplicate_email_csv(2000), "spring.csv")
    assert len(result.rejected) == 2000
    message = result.errors_for(1500)[0].message
    assert message == (
        "the same student email is on rows 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 and 1,990 more; "
        "keep only one of them"
    )
    # Linear: no message grows with the number of copies.
    assert max(len(str(error)) for error in result.errors) < 200


def test_two_copies_still_name_both_rows() -> None:
    result = read_applicant_file(hostile.duplicate_email_csv(2), "spring.csv")
    assert "rows 2 and 3" in result.errors[0].message


def test_a_listing_of_problems_shows_the_first_fifty_and_counts_the_rest() -> None:
    result = read_applicant_file(hostile.duplicate_email_csv(2000), "spring.csv")
    lines = first_problems(result.errors)
    assert len(lines) == 51
    assert lines[-1] == "… and 1,950 more problems in 1,950 rows."
    assert first_problems(result.errors[:3]) == [str(e) for e in result.errors[:3]]


def test_a_message_quoting_a_huge_cell_stays_short() -> None:
    goals = ";".join(f"goal{n}" for n in range(5000))
    availability = "Mon " + "9" * 100_000
    cells = hostile.student_cells(2)
    cells[4], cells[5] = availability, goals
    data = (",".join(sheets.HEADER[:7]) + "\n" + ",".join(cells) + "\n").encode()
    result = read_applicant_file(data, "spring.csv")
    assert {e.column for e in result.errors} == {"availability", "goals"}
    assert all(len(e.message) <= LONGEST_MESSAGE for e in result.errors)
    assert "and 4,995 more" in result.errors_for(2)[1].message
