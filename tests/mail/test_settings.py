"""MATCHER_MAIL_URL read into settings; bad values explained without the password."""

from __future__ import annotations

from pathlib import Path

import pytest

from matcher.mail.settings import MailSettingsError, parse_mail_url


def test_empty_means_eml_files_in_the_instance_outbox() -> None:
    settings = parse_mail_url("", "/srv/instance")
    assert (settings.scheme, settings.directory) == ("file", Path("/srv/instance/outbox"))


def test_smtp_with_credentials_port_and_required_starttls() -> None:
    settings = parse_mail_url(
        "smtp://lelp%40x.org:p%40ss@mail.example.org:587?starttls=required", "/i"
    )
    assert (settings.host, settings.port, settings.username, settings.password) == (
        "mail.example.org",
        587,
        "lelp@x.org",
        "p@ss",
    )
    assert settings.starttls_required
    assert "p@ss" not in repr(settings) and "p@ss" not in settings.describe()


def test_smtps_defaults_to_port_465_and_file_paths_resolve() -> None:
    assert parse_mail_url("smtps://mail.example.org", "/i").port == 465
    assert parse_mail_url("smtp://mail.example.org", "/i").port == 25
    assert parse_mail_url("file:///var/mail/lelp", "/i").directory == Path("/var/mail/lelp")
    assert parse_mail_url("file://sent", "/i").directory == Path("/i/sent")


@pytest.mark.parametrize(
    "url", ["http://x.org", "smtp://", "smtp://host:notaport", "smtp://h?starttls=maybe"]
)
def test_unusable_urls_are_refused_with_a_reason(url: str) -> None:
    with pytest.raises(MailSettingsError):
        parse_mail_url(url, "/i")


@pytest.mark.db
def test_a_bad_setting_is_one_line_from_the_command(make_app) -> None:
    app = make_app(MAIL_URL="smtp://user:secret@host:notaport")
    result = app.test_cli_runner().invoke(args=["mail", "send"])
    assert result.exit_code == 1
    assert "port that is not a number" in result.output
    assert "secret" not in result.output and "Traceback" not in result.output
