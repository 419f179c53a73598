"""The access sweep: every non-public endpoint refuses anonymous visitors and the wrong role."""

from __future__ import annotations

from werkzeug.routing import IntegerConverter, Rule

from matcher.extensions import db

PUBLIC_BLUEPRINTS = ("intake.",)
PUBLIC_ENDPOINTS = {"static", "auth.login"}


def is_public(endpoint: str) -> bool:
    return endpoint in PUBLIC_ENDPOINTS or endpoint.startswith(PUBLIC_BLUEPRINTS)


def sample_url(rule: Rule) -> str:
    """A URL for the rule with made-up arguments: the guard must refuse before any lookup."""
    values = {}
    for name in rule.arguments:
        converter = rule._converters[name]
        values[name] = 1 if isinstance(converter, IntegerConverter) else "X-1"
    url = rule.build(values, append_unknown=False)
    assert url is not None
    return url[1]


def protected_rules(app) -> list[Rule]:
    rules = [r for r in app.url_map.iter_rules() if not is_public(r.endpoint)]
    assert any(r.endpoint.startswith("coordinator.") for r in rules)
    return rules


def methods_of(rule: Rule) -> list[str]:
    return sorted(m for m in rule.methods if m not in ("HEAD", "OPTIONS"))


def test_every_non_public_endpoint_sends_anonymous_visitors_to_login(app, client) -> None:
    checked = 0
    for rule in protected_rules(app):
        for method in methods_of(rule):
            response = client.open(sample_url(rule), method=method)
            assert response.status_code == 302, (rule.endpoint, method, response.status_code)
            assert "/login" in response.headers["Location"], rule.endpoint
            checked += 1
    assert checked >= 5


def test_coordinators_are_refused_every_admin_route(app, client, make_user, login) -> None:
    login(client, make_user())
    admin_rules = [r for r in app.url_map.iter_rules() if ".accounts." in r.endpoint]
    assert admin_rules
    for rule in admin_rules:
        for method in methods_of(rule):
            response = client.open(sample_url(rule), method=method)
            assert response.status_code == 403, (rule.endpoint, method)


def test_coordinators_reach_the_other_dashboard_routes(app, client, make_user, login) -> None:
    login(client, make_user())
    for rule in protected_rules(app):
        if ".accounts." in rule.endpoint or rule.endpoint == "auth.logout":
            continue
        for method in methods_of(rule):
            response = client.open(sample_url(rule), method=method)
            refused = response.status_code in (401, 403) or (
                response.status_code == 302 and "/login" in response.headers["Location"]
            )
            assert not refused, (rule.endpoint, method, response.status_code)


def test_admins_reach_account_management(client, make_user, login) -> None:
    login(client, make_user(admin=True))
    assert client.get("/dashboard/accounts/").status_code == 200


def test_a_deactivated_account_cannot_sign_in(client, make_user) -> None:
    user = make_user(active=False)
    db.session.commit()
    response = client.post(
        "/login", data={"email": user.email, "password": "correct horse battery"}
    )
    assert response.status_code == 401
