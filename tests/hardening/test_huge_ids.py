"""An id too large for the database is an unknown page (404), never a database error (500)."""

from __future__ import annotations

from werkzeug.routing import IntegerConverter

HUGE = 10**12  # past PostgreSQL's integer range


def int_rules(app) -> list:
    return [
        rule
        for rule in app.url_map.iter_rules()
        if any(isinstance(c, IntegerConverter) for c in rule._converters.values())
    ]


def url_with_huge_ids(rule) -> str:
    values = {
        name: HUGE if isinstance(converter, IntegerConverter) else "S-AAAAAAAAAA"
        for name, converter in rule._converters.items()
    }
    parts = rule.rule
    for name, value in values.items():
        parts = parts.replace(f"<int:{name}>", str(value)).replace(f"<{name}>", str(value))
    return parts


def test_every_url_with_a_number_answers_404_for_a_huge_one(app, client, make_user, login) -> None:
    rules = int_rules(app)
    assert len(rules) >= 10  # the dashboard's semester, pair and account pages
    login(client, make_user(admin=True))
    for rule in rules:
        url = url_with_huge_ids(rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(url, method=method)
            assert response.status_code == 404, (method, url, response.status_code)


def test_the_largest_real_id_still_routes(app) -> None:
    adapter = app.url_map.bind("localhost")
    _endpoint, values = adapter.match("/dashboard/semesters/2147483647")
    assert values == {"semester_id": 2147483647}
    assert adapter.test("/dashboard/semesters/2147483648") is False
