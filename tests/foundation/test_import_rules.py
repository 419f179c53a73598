"""The layers of ``matcher/`` hold: each package imports only what sits below it.

Read with ``ast``, so every import counts: those under ``TYPE_CHECKING``, those inside a
function, and relative ones (resolved against the importing module). The README's
"Architecture" section draws the same picture.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import matcher

ROOT = Path(matcher.__file__).resolve().parent
BLUEPRINTS = ("auth", "intake", "coordinator")
FLASK = ("flask", "flask_*", "werkzeug")
SQLALCHEMY = ("sqlalchemy", "alembic", "flask_sqlalchemy", "flask_migrate")


@dataclass(frozen=True)
class Rule:
    """What the modules of ``matcher.<package>`` may import.

    ``only``: if set, the only packages of ours it may import (itself always allowed).
    ``never``: packages of ours it must not import.
    ``outside``: if set, the only third-party top-level modules allowed (stdlib always is).
    ``banned``: third-party top-level modules it must not import (``flask_*`` is a prefix).
    """

    package: str
    only: tuple[str, ...] | None = None
    never: tuple[str, ...] = ()
    outside: tuple[str, ...] | None = None
    banned: tuple[str, ...] = ()

    def refuses(self, imported: str) -> bool:
        top, _, rest = imported.partition(".")
        if top == "matcher":
            ours = rest.partition(".")[0]
            if not ours or ours == self.package:
                return not ours  # `import matcher` itself reaches everything
            if self.only is not None and ours not in self.only:
                return True
            return ours in self.never
        if top in sys.stdlib_module_names or top == "__future__":
            return False
        if self.outside is not None and top not in self.outside:
            return True
        return any(top == b or (b.endswith("*") and top.startswith(b[:-1])) for b in self.banned)


RULES = [
    # The engine: plain data in, plain results out; tested and benchmarked alone.
    Rule("matching", only=("domain",), outside=("numpy", "scipy")),
    # The vocabulary everyone shares: nothing of ours, no web, no database, no arrays.
    Rule("domain", only=(), banned=FLASK + SQLALCHEMY + ("numpy", "scipy")),
    Rule("exports", only=("domain",), banned=FLASK + SQLALCHEMY),
    Rule("roster", only=("exports", "domain", "matching"), banned=FLASK + SQLALCHEMY),
    # Models may encrypt (crypto) but never reach up into what uses them.
    Rule("models", never=("services", *BLUEPRINTS, "cli")),
    Rule("crypto", never=("services", *BLUEPRINTS, "cli")),
    Rule("services", never=(*BLUEPRINTS, "cli")),
    Rule("security", never=(*BLUEPRINTS, "cli")),
]


def imports_of(source: str, module: str, is_package: bool) -> Iterator[tuple[int, str]]:
    """Every module named by an import statement anywhere in ``source``, with its line."""
    here = module.split(".") if is_package else module.split(".")[:-1]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[: len(here) - (node.level - 1)]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            # `from matcher import services` and `from . import solver` name the module
            # through the alias; for anything else the alias is inside the same package.
            for alias in node.names:
                yield node.lineno, f"{name}.{alias.name}"


def modules_of(package: str) -> Iterator[tuple[Path, str, bool]]:
    for path in sorted((ROOT / package).rglob("*.py")):
        parts = ("matcher", *path.relative_to(ROOT).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        yield path, ".".join(parts[:-1] if is_package else parts), is_package


def violations(rule: Rule) -> list[str]:
    found = []
    for path, module, is_package in modules_of(rule.package):
        for line, name in imports_of(path.read_text(encoding="utf-8"), module, is_package):
            if rule.refuses(name):
                found.append(f"{path.relative_to(ROOT.parent)}:{line} imports {name}")
    return found


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.package)
def test_the_layers_hold(rule: Rule) -> None:
    assert violations(rule) == []


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.package)
def test_every_rule_reads_real_code(rule: Rule) -> None:
    """A renamed package would make its rule pass on nothing; `domain` may not exist yet."""
    if rule.package == "domain" and not (ROOT / "domain").exists():
        pytest.skip("matcher/domain/ is not there yet; its rule applies once it is")
    assert list(modules_of(rule.package))


CHEATS = """
from __future__ import annotations
from typing import TYPE_CHECKING
if TYPE_CHECKING:
    from matcher.coordinator.views import blueprint
def later():
    from ..auth import views
    import flask_login
from . import solver
from matcher import cli
"""


def test_the_reader_sees_every_kind_of_import() -> None:
    names = {name for _, name in imports_of(CHEATS, "matcher.matching.scoring", False)}
    assert names == {
        "__future__.annotations",
        "typing.TYPE_CHECKING",
        "matcher.coordinator.views.blueprint",
        "matcher.auth.views",
        "flask_login",
        "matcher.matching.solver",
        "matcher.cli",
    }


def test_a_rule_refuses_what_it_should() -> None:
    matching, domain, _exports, roster, models, *_ = RULES
    assert matching.refuses("matcher.models") and matching.refuses("pandas")
    assert not matching.refuses("matcher.domain.limits") and not matching.refuses("numpy.linalg")
    assert not matching.refuses("matcher.matching.slots") and not matching.refuses("zoneinfo")
    assert domain.refuses("matcher.matching") and domain.refuses("flask_babel")
    assert domain.refuses("numpy") and not domain.refuses("enum")
    assert roster.refuses("sqlalchemy.orm") and not roster.refuses("openpyxl")
    assert models.refuses("matcher.services.audit") and not models.refuses("matcher.crypto")
    assert matching.refuses("matcher")
