"""The availability grid's table as HTML, built once per language rather than on every page.

The grid has 336 half-hour checkboxes, each with a label. Rendered by a Jinja macro it took
about a third of the sign-up form's time on every GET. Only which boxes are ticked differs
between two people, so the table is split once into the markup around each box's ``checked``
flag and joined per page. Every text that comes from a translation is escaped here.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from functools import lru_cache

from markupsafe import Markup, escape

from matcher.intake.grid import Row


def grid_table(
    rows: Sequence[Row], selected: Collection[str], caption: str, days: Sequence[Sequence[str]]
) -> Markup:
    """The grid as a table; a box is ticked when its value is in ``selected``."""
    pieces = _pieces(tuple(rows), str(caption), tuple((str(s), str(d)) for s, d in days))
    ticked = set(selected or ())
    html = [pieces.head]
    for value, before, after in pieces.cells:
        html.append(before)
        if value in ticked:
            html.append(" checked")
        html.append(after)
    html.append(pieces.tail)
    return Markup("".join(html))  # noqa: S704  (every part was escaped in _pieces)


class _Pieces:
    __slots__ = ("cells", "head", "tail")

    def __init__(self, head: str, cells: tuple[tuple[str, str, str], ...], tail: str) -> None:
        self.head, self.cells, self.tail = head, cells, tail


@lru_cache(maxsize=32)
def _pieces(rows: tuple[Row, ...], caption: str, days: tuple[tuple[str, str], ...]) -> _Pieces:
    header = "".join(
        f'<th scope="col" abbr="{escape(long)}"><span aria-hidden="true">{escape(short)}</span>'
        f'<span class="visually-hidden">{escape(long)}</span></th>'
        for short, long in days
    )
    head = (
        '<table class="grid" data-grid>\n'
        f'  <caption class="visually-hidden">{escape(caption)}</caption>\n'
        f'  <thead>\n    <tr><td class="corner"></td>{header}</tr>\n  </thead>\n  <tbody>\n'
    )
    cells: list[tuple[str, str, str]] = []
    row_start = ""
    for row in rows:
        row_start += f'    <tr>\n      <th scope="row">{escape(row.label)}</th>\n'
        for cell in row.cells:
            cell_id = "slot-" + cell.value.replace(":", "")
            label = f"{days[cell.day][1]} {row.label}–{row.end_label}"
            before = (
                f'{row_start}      <td><input type="checkbox" name="slots" '
                f'value="{escape(cell.value)}" id="{escape(cell_id)}"'
            )
            after = (
                f'><label for="{escape(cell_id)}" class="visually-hidden">{escape(label)}'
                "</label></td>\n"
            )
            cells.append((cell.value, before, after))
            row_start = ""
        row_start = "    </tr>\n"
    # The last row's closing tag goes before the table's end.
    tail = f"{row_start}  </tbody>\n</table>"
    return _Pieces(head, tuple(cells), tail)
