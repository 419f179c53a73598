"""The fallback dependency auditor (.ci/audit_dependencies.py) decides honestly from PyPI's
project pages: a finding or an unauditable version fails, only a reviewed allowlist entry lets
it pass, and nothing it could not see is ever called clean. No network: pages are synthetic,
shaped like PyPI's JSON API answers."""

from __future__ import annotations

import datetime as dt
import importlib.util
import io
import sys
from collections.abc import Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / ".ci" / "audit_dependencies.py"
TODAY = dt.date(2026, 11, 23)


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("audit_dependencies", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while building
    spec.loader.exec_module(module)
    return module


audit = _load()


def advisory(
    id: str, *, aliases: tuple[str, ...] = (), fixed_in: tuple[str, ...] = (), withdrawn=None
) -> dict[str, Any]:
    return {
        "id": id,
        "aliases": list(aliases),
        "fixed_in": list(fixed_in),
        "withdrawn": withdrawn,
        "details": "synthetic",
        "link": f"https://osv.dev/vulnerability/{id}",
        "source": "osv",
        "summary": None,
    }


def page(latest: str, *advisories: dict[str, Any]) -> dict[str, Any]:
    return {
        "info": {"name": "example", "version": latest, "requires_python": ">=3.9"},
        "releases": {},
        "vulnerabilities": list(advisories),
    }


def run(
    installed: Mapping[str, str],
    pages: Mapping[str, dict[str, Any] | None],
    allowlist: str = "",
) -> tuple[int, str]:
    """Audit ``installed`` (name -> version) against ``pages`` (None: PyPI answers 404)."""

    def fetch(name: str) -> Mapping[str, Any]:
        found = pages[name]
        if found is None:
            raise audit.PageUnavailable(f"https://pypi.org/pypi/{name}/json answered 404")
        return found

    out = io.StringIO()
    status = audit.run_audit(
        [audit.Installed(name, version) for name, version in installed.items()],
        fetch,
        audit.parse_allowlist(allowlist, TODAY),
        out,
    )
    return status, out.getvalue()


def test_latest_release_with_no_advisory_passes() -> None:
    status, output = run({"flask": "3.1.3"}, {"flask": page("3.1.3")})

    assert status == 0
    assert "1 at PyPI's latest release with no advisory listed" in output
    assert "Dependency audit passed." in output


def test_latest_release_with_an_advisory_fails_naming_it() -> None:
    status, output = run(
        {"ecdsa": "0.19.2"},
        {
            "ecdsa": page(
                "0.19.2",
                advisory("GHSA-wj6h-64fc-37mp", aliases=("CVE-2024-23342",)),
                advisory("PYSEC-2026-1", aliases=("CVE-2024-23342", "GHSA-wj6h-64fc-37mp")),
            )
        },
    )

    assert status == 1
    assert "VULNERABLE: ecdsa 0.19.2: GHSA-wj6h-64fc-37mp (CVE-2024-23342, PYSEC-2026-1)" in output
    assert "fixed in: no fixed release listed" in output
    assert output.count("VULNERABLE:") == 1  # aliases of one advisory are reported once
    assert "Dependency audit FAILED." in output


def test_fixed_in_is_shown_for_a_finding() -> None:
    status, output = run(
        {"pkg": "2.0"}, {"pkg": page("2.0", advisory("GHSA-aaaa", fixed_in=("2.0.1", "1.9.9")))}
    )

    assert status == 1
    assert "VULNERABLE: pkg 2.0: GHSA-aaaa; fixed in: 2.0.1, 1.9.9" in output


def test_withdrawn_advisory_is_ignored() -> None:
    status, output = run(
        {"pkg": "1.0"},
        {"pkg": page("1.0", advisory("GHSA-gone", withdrawn="2026-10-01T00:00:00Z"))},
    )

    assert status == 0
    assert "VULNERABLE" not in output
    assert "withdrawn advisory GHSA-gone ignored" in output


def test_allowlisted_advisory_passes_with_a_notice() -> None:
    status, output = run(
        {"ecdsa": "0.19.2"},
        {"ecdsa": page("0.19.2", advisory("GHSA-wj6h-64fc-37mp", aliases=("CVE-2024-23342",)))},
        allowlist="CVE-2024-23342 | ecdsa | R. Viewer | we only verify, never sign | 2026-12-31\n",
    )

    assert status == 0
    assert "ACCEPTED: ecdsa 0.19.2: GHSA-wj6h-64fc-37mp" in output
    assert "reviewed by R. Viewer" in output
    assert "look again by 2026-12-31: we only verify, never sign" in output
    assert "1 passed only through the allowlist" in output
    assert "0 at PyPI's latest release with no advisory listed" in output


def test_allowlist_entry_for_another_package_does_not_hide_a_finding() -> None:
    status, output = run(
        {"ecdsa": "0.19.2"},
        {"ecdsa": page("0.19.2", advisory("GHSA-wj6h-64fc-37mp"))},
        allowlist="GHSA-wj6h-64fc-37mp | other-package | R. Viewer | n/a | 2026-12-31\n",
    )

    assert status == 1
    assert "VULNERABLE: ecdsa 0.19.2" in output
    assert "matched nothing" in output


def test_older_version_with_a_fix_above_it_fails_as_vulnerable() -> None:
    status, output = run(
        {"pkg": "1.4.2"},
        {"pkg": page("2.3.0", advisory("GHSA-bbbb", aliases=("CVE-2026-1",), fixed_in=("1.5",)))},
    )

    assert status == 1
    assert "VULNERABLE: pkg 1.4.2: GHSA-bbbb (CVE-2026-1); fixed in: 1.5" in output
    assert "fixed in 1.5, above the installed 1.4.2, so 1.4.2 is treated as vulnerable" in output


def test_older_version_with_an_unfixed_advisory_on_latest_is_a_finding() -> None:
    status, output = run({"pkg": "1.8"}, {"pkg": page("2.3.0", advisory("GHSA-cccc"))})

    assert status == 1
    assert "VULNERABLE: pkg 1.8: GHSA-cccc" in output
    assert "1.8 may be affected" in output


def test_older_version_with_no_evidence_is_not_auditable_and_fails() -> None:
    status, output = run({"setuptools": "65.5.0"}, {"setuptools": page("84.2.1")})

    assert status == 1
    assert "NOT AUDITABLE: setuptools 65.5.0: installed 65.5.0, latest 84.2.1" in output
    assert "0 at PyPI's latest release with no advisory listed" in output
    assert "1 not auditable from here" in output
    assert "Dependency audit FAILED." in output


def test_not_auditable_entry_passes_loudly_but_never_as_clean() -> None:
    status, output = run(
        {"numpy": "2.4.6"},
        {"numpy": page("2.5.5")},
        allowlist="NOT-AUDITABLE | numpy | R. Viewer | latest needs Python 3.12 | 2026-12-31\n",
    )

    assert status == 0
    assert "NOT AUDITED (accepted): numpy 2.4.6: installed 2.4.6, latest 2.5.5" in output
    assert "0 at PyPI's latest release with no advisory listed" in output


def test_not_auditable_entry_does_not_hide_a_listed_advisory() -> None:
    status, output = run(
        {"numpy": "2.4.6"},
        {"numpy": page("2.5.5", advisory("GHSA-dddd", fixed_in=("2.5.6",)))},
        allowlist="NOT-AUDITABLE | numpy | R. Viewer | latest needs Python 3.12 | 2026-12-31\n",
    )

    assert status == 1
    assert "VULNERABLE: numpy 2.4.6: GHSA-dddd" in output


@pytest.mark.parametrize(
    "answer",
    [
        None,  # 404: not a project on PyPI
        {"info": {"version": "1.0"}},  # no vulnerabilities list: unknown, not empty
        {"info": {}, "vulnerabilities": []},  # no latest release named
    ],
    ids=["404", "no-vulnerabilities-key", "no-latest-version"],
)
def test_missing_or_unreadable_page_is_not_auditable(answer: dict[str, Any] | None) -> None:
    status, output = run({"private-pkg": "1.0"}, {"private-pkg": answer})

    assert status == 1
    assert "NOT AUDITABLE: private-pkg 1.0" in output
    assert "0 at PyPI's latest release with no advisory listed" in output


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("GHSA-x | pkg | R. Viewer | reason", "expected 5 non-empty fields"),
        ("GHSA-x | pkg | | reason | 2026-12-31", "expected 5 non-empty fields"),
        ("GHSA-x | pkg | R. Viewer | reason | next spring", "review-by must be YYYY-MM-DD"),
        ("GHSA-x | pkg | R. Viewer | reason | 2026-11-22", "has passed"),
        ("GHSA-x | pkg==1.0 | R. Viewer | reason | 2026-12-31", "not a package name"),
    ],
)
def test_bad_or_expired_allowlist_entry_is_an_error(line: str, message: str) -> None:
    with pytest.raises(audit.AllowlistError, match=message):
        audit.parse_allowlist(f"# comment\n{line}\n", TODAY)


def test_allowlist_feeds_pip_audit_ignore_vuln_but_not_the_not_auditable_entries() -> None:
    allowlist = audit.parse_allowlist(
        "GHSA-aaaa | pkg | R. Viewer | reason | 2026-12-31\n"
        "NOT-AUDITABLE | numpy | R. Viewer | reason | 2026-12-31\n"
        "CVE-2026-2 | other | R. Viewer | reason | 2026-12-31\n",
        TODAY,
    )

    assert allowlist.pip_audit_args() == [
        "--ignore-vuln",
        "GHSA-aaaa",
        "--ignore-vuln",
        "CVE-2026-2",
    ]


def test_checked_in_allowlist_is_well_formed() -> None:
    audit.load_allowlist(SCRIPT.with_name("audit-allowlist.txt"), TODAY)


def test_installed_distributions_skip_this_editable_project() -> None:
    audited, editable = audit.installed_distributions()

    assert "lelp-match" in {audit.canonical_name(d.name) for d in editable}
    names = {audit.canonical_name(d.name) for d in audited}
    assert "lelp-match" not in names
    assert {"flask", "cryptography", "sqlalchemy"} <= names
