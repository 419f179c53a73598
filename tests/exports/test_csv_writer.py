"""The CSV writer: a BOM for Excel, the header first for every reader, no live formulas."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from matcher.exports import write_csv


def test_written_file_reads_back_with_dictreader_header_first(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    rows = [
        ["김하늘", '=HYPERLINK("http://evil.example")', 4.5],
        ['Ann, "Jr"', "line\nbreak", -1],
    ]
    with path.open("w", encoding="utf-8", newline="") as stream:
        write_csv(["name", "note", "score"], rows, stream)

    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfname,note,score\r\n")
    with path.open(encoding="utf-8-sig", newline="") as stream:
        read = list(csv.DictReader(stream))
    assert read == [
        {"name": "김하늘", "note": '\'=HYPERLINK("http://evil.example")', "score": "4.5"},
        {"name": 'Ann, "Jr"', "note": "line\nbreak", "score": "-1"},
    ]


def test_header_cells_are_neutralised_too() -> None:
    stream = io.StringIO(newline="")
    write_csv(["=cmd"], [], stream)
    assert stream.getvalue() == "\ufeff'=cmd\r\n"
