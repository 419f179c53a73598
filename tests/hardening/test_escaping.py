"""Autoescaping stays on everywhere; no template or code marks user data as safe HTML."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Reviewed exceptions: "path": "why this value can never hold user data". Keep it empty if you can.
ALLOWLIST: dict[str, str] = {}

TEMPLATE_BYPASSES = re.compile(r"\|\s*safe\b|{%-?\s*autoescape\s+false|\|\s*unescape\b")
CODE_BYPASSES = re.compile(
    r"\bMarkup\s*\(|markupsafe|render_template_string|autoescape\s*=\s*False|mark_safe"
)


def offenders(folder: Path, pattern: re.Pattern[str], suffixes: tuple[str, ...]) -> list[str]:
    found = []
    for path in sorted(folder.rglob("*")):
        if path.suffix not in suffixes or not path.is_file():
            continue
        relative = str(path.relative_to(ROOT))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if pattern.search(line) and relative not in ALLOWLIST:
                found.append(f"{relative}:{number}: {line.strip()}")
    return found


def test_no_template_turns_escaping_off() -> None:
    assert offenders(ROOT / "templates", TEMPLATE_BYPASSES, (".html", ".txt", ".xml")) == []


def test_no_code_marks_strings_as_safe_html() -> None:
    assert offenders(ROOT / "matcher", CODE_BYPASSES, (".py",)) == []


def test_the_scan_would_notice(tmp_path) -> None:
    """Guards the patterns above against a typo that would make them match nothing."""
    (tmp_path / "a.html").write_text("<p>{{ applicant.display_name | safe }}</p>\n")
    (tmp_path / "b.html").write_text("{% autoescape false %}{{ x }}{% endautoescape %}\n")
    (tmp_path / "c.py").write_text("from markupsafe import Markup\nhtml = Markup(name)\n")
    global ROOT
    saved, ROOT = ROOT, tmp_path
    try:
        assert len(offenders(tmp_path, TEMPLATE_BYPASSES, (".html",))) == 2
        assert len(offenders(tmp_path, CODE_BYPASSES, (".py",))) == 2
    finally:
        ROOT = saved


def test_html_templates_are_autoescaped(app) -> None:
    for name in ("intake/home.html", "errors/error.html", "coordinator/applicants.html"):
        assert app.jinja_env.autoescape(name) is True
    text = type("T", (), dict.fromkeys(("title_ko", "body_ko", "title_en", "body_en"), "<b>x"))
    with app.test_request_context("/"):
        page = app.jinja_env.get_template("errors/error.html").render(
            code=500, text=text(), request_id="<script>alert(1)</script>"
        )
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert "<b>x" not in page
