"""No module in matcher/ grows past 400 lines: beyond that a file holds more than one idea."""

from __future__ import annotations

from pathlib import Path

import matcher

ROOT = Path(matcher.__file__).resolve().parent
LIMIT = 400


def test_no_module_is_over_the_limit() -> None:
    sizes = {
        str(path.relative_to(ROOT.parent)): len(path.read_text(encoding="utf-8").splitlines())
        for path in ROOT.rglob("*.py")
    }
    assert len(sizes) > 50  # the walk found the package, so an empty answer means something
    assert {path: lines for path, lines in sizes.items() if lines > LIMIT} == {}
