"""The Korean catalog is complete, and pages speak the language people chose or their browser's."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from .catalog import TRANSLATIONS, ensure_compiled

ensure_compiled()
ROOT = Path(__file__).resolve().parents[2]
PO = TRANSLATIONS / "ko" / "LC_MESSAGES" / "messages.po"


def test_korean_catalog_has_no_untranslated_or_fuzzy_strings() -> None:
    with PO.open("rb") as handle:
        catalog = read_po(handle, locale="ko")
    untranslated = [m.id for m in catalog if m.id and not m.string]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert untranslated == []
    assert fuzzy == []


def test_every_string_in_the_code_is_in_the_korean_catalog(tmp_path: Path) -> None:
    """A string added to a template without updating the catalog fails here, not in production."""
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
         "-k", "_l", "-o", str(pot), "--no-location", "."],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    with pot.open("rb") as handle:
        wanted = {m.id for m in read_po(handle) if m.id}
    with PO.open("rb") as handle:
        translated = {m.id for m in read_po(handle, locale="ko") if m.id and m.string}
    assert sorted(wanted - translated) == []


def test_home_page_speaks_korean_by_default_and_english_when_asked(client) -> None:
    korean = client.get("/").get_data(as_text=True)
    assert '<html lang="ko">' in korean
    assert "학생으로 신청하기" not in korean  # no semester open: no apply links
    assert "지금은 신청을 받지 않아요" in korean
    english = client.get("/?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in english
    assert "Sign-ups are closed right now" in english


def test_language_choice_is_remembered_across_pages(client) -> None:
    client.get("/privacy?lang=en")
    page = client.get("/", headers={"Accept-Language": "ko-KR,ko;q=0.9"}).get_data(as_text=True)
    assert '<html lang="en">' in page


def test_accept_language_is_respected_when_nothing_was_chosen(client) -> None:
    page = client.get("/", headers={"Accept-Language": "en-US,en;q=0.9"}).get_data(as_text=True)
    assert '<html lang="en">' in page


@pytest.mark.parametrize(("path", "language"), [("/apply/student", "ko"), ("/apply/tutor", "en")])
def test_each_form_opens_in_its_audiences_language(client, make_semester, path, language) -> None:
    make_semester(status="intake")
    page = client.get(path, headers={"Accept-Language": "fr-FR,fr;q=0.9"}).get_data(as_text=True)
    assert f'<html lang="{language}">' in page


def test_every_page_has_a_language_switch_that_keeps_the_page(client, make_semester) -> None:
    make_semester(status="intake")
    for path in ("/", "/privacy", "/apply/student", "/apply/tutor"):
        page = client.get(path).get_data(as_text=True)
        assert f'href="{path}?lang=en"' in page or (path == "/" and 'href="/?lang=en"' in page)
        assert "한국어" in page


def test_closed_page_speaks_both_languages(client) -> None:
    page = client.get("/apply/student").get_data(as_text=True)
    assert "지금은 신청을 받지 않습니다" in page
    assert "Sign-ups are closed right now" in page
    assert "<form" not in page
