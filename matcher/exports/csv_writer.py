"""Writing CSV that Excel opens with Hangul intact and that carries no formulas."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from typing import TextIO

from matcher.exports.cells import neutralise

BOM = "\ufeff"


def write_csv(header: Sequence[str], rows: Iterable[Sequence[object]], stream: TextIO) -> None:
    """Write a header and rows to ``stream`` as UTF-8 CSV with a BOM, every cell neutralised.

    The BOM is what makes Excel read the file as UTF-8 instead of the local code page. The
    stream must be opened with ``newline=""`` and UTF-8 encoding; CSV line ends are CRLF.
    """
    stream.write(BOM)
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow([neutralise(name) for name in header])
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
