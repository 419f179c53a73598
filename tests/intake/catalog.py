"""The Korean catalog compiled for tests: .mo files are build output, so a fresh clone has none."""

from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

TRANSLATIONS = Path(__file__).resolve().parents[2] / "matcher" / "translations"


def ensure_compiled() -> None:
    """Compile every messages.po whose .mo is missing or older (what `make translations` does)."""
    for po in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as source:
            catalog = read_po(source, locale=po.parts[-3])
        with mo.open("wb") as target:
            write_mo(target, catalog)
