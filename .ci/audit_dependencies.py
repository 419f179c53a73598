"""Dependency audit for machines where pip-audit's vulnerability data cannot be reached.

Why this exists: pip-audit's PyPI service reads one per-release page for each installed
distribution (https://pypi.org/pypi/NAME/VERSION/json). On this project's machines and CI
those pages answer 404, and pip-audit's other services (OSV, ecosyste.ms) cannot be reached
at all, so pip-audit cannot audit anything here. What does answer is PyPI's project page
(https://pypi.org/pypi/NAME/json). Its ``vulnerabilities`` list holds the advisories that
affect the project's *latest* release only (PyPI's JSON API documentation says so), each with
an id, aliases, ``fixed_in`` versions and ``withdrawn``.

What that page can and cannot tell, and what this script concludes:

* Installed version == the latest release: the page lists exactly the advisories for the
  installed version. Any advisory not withdrawn is a finding (fails); none listed means no
  advisory is known to PyPI for that version.
* Installed version != the latest release: advisories that the latest release already fixes
  are not on the page at all, so the installed version **cannot be audited from here**. That
  fails (like ``pip-audit --strict`` for a dependency it could not audit); the remedy is to
  upgrade it, or a reviewed ``NOT-AUDITABLE`` entry in the allowlist. Advisories that *are*
  listed (they affect the latest release) are findings for the installed version as well:
  when a ``fixed_in`` version is above the installed one it is treated as vulnerable; when
  none is, the page has no affected ranges to rule it out, so it is reported as possibly
  affected. Both fail.
* A project page that is missing, unreadable or without a ``vulnerabilities`` list: not
  auditable, fails.

A distribution is never reported as clean unless its installed version is the latest release
and the page lists no advisory for it.

The allowlist (``.ci/audit-allowlist.txt``) is the only way past a finding; its format is
described in that file and in SECURITY.md. ``--pip-audit-ignore-args`` prints its advisory ids
as ``--ignore-vuln ID`` arguments so that pip-audit, where it can run, honours the same list.

Standard library only; run it with the project's virtualenv interpreter, whose installed
distributions are the ones audited (editable installs, i.e. this project, are skipped).
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import json
import re
import sys
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

PROJECT_PAGE = "https://pypi.org/pypi/{name}/json"
DEFAULT_ALLOWLIST = Path(__file__).with_name("audit-allowlist.txt")
NOT_AUDITABLE = "NOT-AUDITABLE"
TIMEOUT_SECONDS = 20
ATTEMPTS = 2

# A project page, or the reason it could not be had.
Page = Mapping[str, Any]
Fetcher = Callable[[str], Page]


class PageUnavailable(Exception):
    """The project page could not be fetched or read; the distribution is not auditable."""


class AllowlistError(Exception):
    """The allowlist is malformed or holds an expired entry: the gate must not pass."""


def canonical_name(name: str) -> str:
    """PEP 503 normalised name, as PyPI's URLs and the allowlist compare names."""
    return re.sub(r"[-_.]+", "-", name).lower()


# --- allowlist -------------------------------------------------------------------------------


@dataclass(frozen=True)
class AllowEntry:
    """One reviewed exception: an advisory id in one package, or NOT-AUDITABLE for a package."""

    advisory_id: str
    package: str
    reviewer: str
    reason: str
    review_by: dt.date
    line: int

    def describe(self) -> str:
        return (
            f"allowlist line {self.line} ({self.advisory_id} | {self.package}), reviewed by "
            f"{self.reviewer}, "
            f"look again by {self.review_by.isoformat()}: {self.reason}"
        )


@dataclass(frozen=True)
class Allowlist:
    entries: tuple[AllowEntry, ...] = ()

    def accepting(self, package: str, ids: Iterable[str]) -> AllowEntry | None:
        """The entry that accepts an advisory (known by any of ``ids``) in ``package``."""
        wanted = {i.upper() for i in ids}
        for entry in self.entries:
            if (
                entry.advisory_id != NOT_AUDITABLE
                and entry.package == canonical_name(package)
                and entry.advisory_id.upper() in wanted
            ):
                return entry
        return None

    def accepting_unauditable(self, package: str) -> AllowEntry | None:
        """The entry that accepts that ``package`` cannot be audited from here."""
        for entry in self.entries:
            if entry.advisory_id == NOT_AUDITABLE and entry.package == canonical_name(package):
                return entry
        return None

    def pip_audit_args(self) -> list[str]:
        """``--ignore-vuln ID`` for each advisory entry (pip-audit cannot scope them by package)."""
        args: list[str] = []
        for entry in self.entries:
            if entry.advisory_id != NOT_AUDITABLE:
                args += ["--ignore-vuln", entry.advisory_id]
        return args


_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]*$")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def parse_allowlist(text: str, today: dt.date) -> Allowlist:
    """Read the allowlist; a malformed line or a past review-by date raises AllowlistError."""
    entries: list[AllowEntry] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        fields = [f.strip() for f in line.split("|")]
        if len(fields) != 5 or not all(fields):
            raise AllowlistError(
                f"allowlist line {number}: expected 5 non-empty fields "
                f"'id | package | reviewer | reason | review-by', got: {line}"
            )
        advisory_id, package, reviewer, reason, review_by_text = fields
        if not _ID.match(advisory_id):
            raise AllowlistError(f"allowlist line {number}: not an advisory id: {advisory_id}")
        try:
            review_by = dt.date.fromisoformat(review_by_text)
        except ValueError:
            raise AllowlistError(
                f"allowlist line {number}: review-by must be YYYY-MM-DD, got {review_by_text}"
            ) from None
        if review_by < today:
            raise AllowlistError(
                f"allowlist line {number}: review-by date {review_by_text} has passed; "
                f"review {advisory_id} ({package}) again and renew or remove the entry"
            )
        if not _NAME.match(package):
            raise AllowlistError(f"allowlist line {number}: not a package name: {package}")
        if advisory_id.upper() == NOT_AUDITABLE:
            advisory_id = NOT_AUDITABLE
        entries.append(
            AllowEntry(
                advisory_id=advisory_id,
                package=canonical_name(package),
                reviewer=reviewer,
                reason=reason,
                review_by=review_by,
                line=number,
            )
        )
    return Allowlist(tuple(entries))


def load_allowlist(path: Path, today: dt.date | None = None) -> Allowlist:
    return parse_allowlist(path.read_text(encoding="utf-8"), today or dt.date.today())


# --- judging one distribution ---------------------------------------------------------------


@dataclass(frozen=True)
class Advisory:
    """One advisory from a project page, merged with those that alias it."""

    id: str
    aliases: tuple[str, ...]
    fixed_in: tuple[str, ...]

    @property
    def ids(self) -> set[str]:
        return {self.id, *self.aliases}

    def describe(self) -> str:
        aliases = f" ({', '.join(self.aliases)})" if self.aliases else ""
        fixed = ", ".join(self.fixed_in) if self.fixed_in else "no fixed release listed"
        return f"{self.id}{aliases}; fixed in: {fixed}"


@dataclass(frozen=True)
class Finding:
    advisory: Advisory
    evidence: str
    accepted_by: AllowEntry | None = None


@dataclass
class Verdict:
    """What the audit can say about one installed distribution."""

    name: str
    installed: str
    latest: str | None = None
    findings: list[Finding] = field(default_factory=list)
    # Why this version could not be audited from here; None when it was.
    not_auditable: str | None = None
    not_auditable_accepted_by: AllowEntry | None = None
    withdrawn_ignored: list[str] = field(default_factory=list)

    @property
    def vulnerable(self) -> bool:
        return any(f.accepted_by is None for f in self.findings)

    @property
    def unaudited(self) -> bool:
        return self.not_auditable is not None and self.not_auditable_accepted_by is None

    @property
    def failed(self) -> bool:
        return self.vulnerable or self.unaudited

    @property
    def clean(self) -> bool:
        """Installed is the latest release and no advisory for it is listed at all."""
        return self.not_auditable is None and not self.findings


def _release(version: str) -> tuple[int, ...] | None:
    match = re.match(r"^v?(\d+(?:\.\d+)*)", version.strip().lower())
    if match is None:
        return None
    parts = [int(p) for p in match.group(1).split(".")]
    while len(parts) > 1 and parts[-1] == 0:
        parts.pop()
    return tuple(parts)


def is_above(candidate: str, installed: str) -> bool:
    """Whether ``candidate``'s release number is plainly higher than ``installed``'s.

    Compares release segments only; anything it cannot order (epochs, equal release numbers
    that differ in pre/post tags) answers False, which only changes a finding's wording.
    """
    a, b = _release(candidate), _release(installed)
    return a is not None and b is not None and a > b


def _advisories(page: Page) -> tuple[list[Advisory], list[str]]:
    """Non-withdrawn advisories merged by alias, and the ids of withdrawn ones."""
    raw = page.get("vulnerabilities")
    if not isinstance(raw, list):
        raise PageUnavailable("the project page has no 'vulnerabilities' list")
    merged: list[Advisory] = []
    withdrawn: list[str] = []
    for item in raw:
        if not isinstance(item, Mapping) or not isinstance(item.get("id"), str):
            raise PageUnavailable(f"unreadable advisory on the project page: {item!r}")
        if item.get("withdrawn"):
            withdrawn.append(item["id"])
            continue
        aliases = tuple(a for a in item.get("aliases") or () if isinstance(a, str))
        fixed_in = tuple(v for v in item.get("fixed_in") or () if isinstance(v, str))
        advisory = Advisory(item["id"], aliases, fixed_in)
        for index, kept in enumerate(merged):
            if kept.ids & advisory.ids:
                merged[index] = Advisory(
                    kept.id,
                    tuple(sorted((kept.ids | advisory.ids) - {kept.id})),
                    tuple(dict.fromkeys(kept.fixed_in + advisory.fixed_in)),
                )
                break
        else:
            merged.append(advisory)
    return merged, withdrawn


def judge(name: str, installed: str, page: Page | PageUnavailable, allowlist: Allowlist) -> Verdict:
    """Decide what the project page (or its absence) says about one installed distribution."""
    verdict = Verdict(name=name, installed=installed)
    try:
        if isinstance(page, PageUnavailable):
            raise page
        info = page.get("info")
        latest = info.get("version") if isinstance(info, Mapping) else None
        if not isinstance(latest, str) or not latest:
            raise PageUnavailable("the project page names no latest release")
        verdict.latest = latest
        advisories, verdict.withdrawn_ignored = _advisories(page)
    except PageUnavailable as error:
        verdict.not_auditable = str(error)
        verdict.not_auditable_accepted_by = allowlist.accepting_unauditable(name)
        return verdict

    is_latest = installed.strip().lower() == latest.strip().lower()
    for advisory in advisories:
        if is_latest:
            evidence = f"listed for the installed version {installed}, PyPI's latest release"
        elif fixed := [v for v in advisory.fixed_in if is_above(v, installed)]:
            evidence = (
                f"listed for PyPI's latest release {latest}; fixed in {', '.join(fixed)}, "
                f"above the installed {installed}, so {installed} is treated as vulnerable"
            )
        else:
            evidence = (
                f"listed for PyPI's latest release {latest}; no fixed release above the "
                f"installed {installed} is listed and the page gives no affected ranges, "
                f"so {installed} may be affected"
            )
        verdict.findings.append(
            Finding(advisory, evidence, allowlist.accepting(name, advisory.ids))
        )
    if not is_latest:
        requires = info.get("requires_python")
        here = f"{sys.version_info.major}.{sys.version_info.minor}"
        python = f" ({latest} requires Python {requires}; this is {here})" if requires else ""
        verdict.not_auditable = (
            f"installed {installed}, latest {latest}{python}: PyPI's project page lists "
            f"advisories for {latest} only and says nothing about {installed} (advisories "
            f"fixed by {latest} are not on it); upgrade {name}, or allowlist it as "
            f"NOT-AUDITABLE after review"
        )
        verdict.not_auditable_accepted_by = allowlist.accepting_unauditable(name)
    return verdict


# --- the audit -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Installed:
    name: str
    version: str


def installed_distributions() -> tuple[list[Installed], list[Installed]]:
    """(to audit, skipped editable) for every distribution this interpreter can import."""
    audit: dict[tuple[str, str], Installed] = {}
    editable: list[Installed] = []
    for dist in importlib.metadata.distributions():
        name = dist.metadata["Name"]
        if not name:
            continue
        item = Installed(name, dist.version)
        direct_url = dist.read_text("direct_url.json")
        if direct_url and json.loads(direct_url).get("dir_info", {}).get("editable"):
            editable.append(item)
            continue
        audit.setdefault((canonical_name(name), item.version), item)
    return sorted(audit.values(), key=lambda d: canonical_name(d.name)), editable


def fetch_project_page(name: str) -> Page:
    """PyPI's JSON project page for ``name``; PageUnavailable when it cannot be had."""
    url = PROJECT_PAGE.format(name=canonical_name(name))
    request = urllib.request.Request(  # noqa: S310 - fixed https URL
        url, headers={"Accept": "application/json", "User-Agent": "lelp-match-dependency-audit"}
    )
    last_error = ""
    for _ in range(ATTEMPTS):
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
                return json.load(response)
        except urllib.error.HTTPError as error:
            if error.code == 404:
                raise PageUnavailable(f"{url} answered 404: not a project on PyPI") from None
            last_error = f"{url} answered {error.code}"
        except (OSError, ValueError) as error:
            last_error = f"{url} could not be read: {error}"
    raise PageUnavailable(last_error)


def _fetch_or_reason(fetch: Fetcher, name: str) -> Page | PageUnavailable:
    try:
        return fetch(name)
    except PageUnavailable as error:
        return error


def run_audit(
    distributions: Sequence[Installed],
    fetch: Fetcher,
    allowlist: Allowlist,
    out: TextIO,
    skipped: Sequence[Installed] = (),
) -> int:
    """Audit ``distributions``, print what was found, and return the exit status (0 = pass)."""
    with ThreadPoolExecutor(max_workers=8) as pool:
        pages = list(pool.map(lambda d: _fetch_or_reason(fetch, d.name), distributions))
    verdicts = [
        judge(d.name, d.version, page, allowlist)
        for d, page in zip(distributions, pages, strict=True)
    ]

    print(
        "Dependency audit from PyPI's project pages (per-release pages unreachable): "
        "each page lists advisories for the project's latest release only.",
        file=out,
    )
    for item in skipped:
        print(f"skipped (editable, this project): {item.name} {item.version}", file=out)
    for v in verdicts:
        for finding in v.findings:
            label = "ACCEPTED" if finding.accepted_by else "VULNERABLE"
            print(f"{label}: {v.name} {v.installed}: {finding.advisory.describe()}", file=out)
            print(f"    {finding.evidence}", file=out)
            if finding.accepted_by:
                print(f"    accepted: {finding.accepted_by.describe()}", file=out)
        if v.not_auditable is not None:
            accepted = v.not_auditable_accepted_by
            label = "NOT AUDITED (accepted)" if accepted else "NOT AUDITABLE"
            print(f"{label}: {v.name} {v.installed}: {v.not_auditable}", file=out)
            if accepted:
                print(f"    accepted: {accepted.describe()}", file=out)
        for advisory_id in v.withdrawn_ignored:
            print(f"note: {v.name}: withdrawn advisory {advisory_id} ignored", file=out)

    used = {f.accepted_by for v in verdicts for f in v.findings} | {
        v.not_auditable_accepted_by for v in verdicts
    }
    for entry in allowlist.entries:
        if entry not in used:
            print(
                f"note: allowlist line {entry.line} ({entry.advisory_id} | {entry.package}) "
                "matched nothing; remove it if it is no longer needed",
                file=out,
            )

    clean = sum(v.clean for v in verdicts)
    vulnerable = sum(v.vulnerable for v in verdicts)
    unaudited = sum(v.unaudited for v in verdicts)
    accepted = sum(not v.failed and not v.clean for v in verdicts)
    print(
        f"{len(verdicts)} installed distributions: {clean} at PyPI's latest release with no "
        f"advisory listed, {vulnerable} with findings, {unaudited} not auditable from here, "
        f"{accepted} passed only through the allowlist; {len(skipped)} editable skipped.",
        file=out,
    )
    failed = vulnerable or unaudited
    print("Dependency audit FAILED." if failed else "Dependency audit passed.", file=out)
    return 1 if failed else 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--allowlist", type=Path, default=DEFAULT_ALLOWLIST)
    parser.add_argument(
        "--pip-audit-ignore-args",
        action="store_true",
        help="print the allowlist's advisory ids as pip-audit --ignore-vuln arguments and exit",
    )
    args = parser.parse_args(argv)
    try:
        allowlist = load_allowlist(args.allowlist)
    except (AllowlistError, OSError) as error:
        print(f"!! dependency audit: {error}", file=sys.stderr)
        return 2
    if args.pip_audit_ignore_args:
        print(" ".join(allowlist.pip_audit_args()))
        return 0
    distributions, editable = installed_distributions()
    return run_audit(distributions, fetch_project_page, allowlist, sys.stdout, editable)


if __name__ == "__main__":
    sys.exit(main())
