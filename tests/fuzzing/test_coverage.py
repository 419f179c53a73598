"""Every POST route of the app has a fuzz test: a new form cannot slip in without one."""

from __future__ import annotations

import importlib

from .routes import FUZZED


def post_endpoints(app) -> set[str]:
    return {rule.endpoint for rule in app.url_map.iter_rules() if "POST" in (rule.methods or ())}


def test_every_post_route_is_fuzzed(app) -> None:
    posts = post_endpoints(app)
    missing, stale = posts - FUZZED.keys(), FUZZED.keys() - posts
    assert not missing, (
        f"POST routes without a fuzz test: {sorted(missing)}. Add each to tests/fuzzing/routes.py "
        "(DASHBOARD for a dashboard form, else FUZZED with the test that posts hostile values)."
    )
    assert not stale, f"routes.py names routes that no longer exist: {sorted(stale)}"


def test_each_named_fuzz_test_exists() -> None:
    for endpoint, node in FUZZED.items():
        path, name = node.split("::")
        module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
        assert callable(getattr(module, name, None)), f"{endpoint}: no test {node}"
