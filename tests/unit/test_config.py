"""Settings: safe defaults, and a refusal to start unsafe in production."""

import pytest

from portal.config import ConfigurationError, from_environment


def test_production_refuses_to_start_without_a_real_secret():
    with pytest.raises(ConfigurationError):
        from_environment({"PORTAL_ENV": "production"})
    with pytest.raises(ConfigurationError):
        from_environment({"PORTAL_ENV": "production", "SECRET_KEY": "short"})


def test_an_unknown_environment_is_refused():
    with pytest.raises(ConfigurationError):
        from_environment({"PORTAL_ENV": "staging"})


def test_production_cookies_are_secure():
    config = from_environment({"PORTAL_ENV": "production", "SECRET_KEY": "s" * 40})
    assert config["SESSION_COOKIE_SECURE"] and config["SESSION_COOKIE_HTTPONLY"]
    assert config["SESSION_COOKIE_NAME"].startswith("__Host-")
    assert config["HSTS"]


def test_sqlite_is_the_default_and_database_url_overrides_it():
    assert from_environment({})["DATABASE_URL"].startswith("sqlite:///")
    url = "postgresql+psycopg://portal@db/portal"
    assert from_environment({"DATABASE_URL": url})["DATABASE_URL"] == url


def test_production_refuses_unencrypted_mail_to_another_machine():
    production = {"PORTAL_ENV": "production", "SECRET_KEY": "s" * 40}
    with pytest.raises(ConfigurationError, match="SMTP_SECURITY"):
        from_environment({**production, "SMTP_HOST": "mail.rijnwaarde.nl"})
    with pytest.raises(ConfigurationError, match="SMTP_SECURITY"):
        from_environment({**production, "SMTP_SECURITY": "sometimes"})
    relay = from_environment(production)  # a relay on the machine itself: localhost
    assert relay["SMTP_SECURITY"] == "none"
    remote = from_environment(
        {**production, "SMTP_HOST": "mail.rijnwaarde.nl", "SMTP_SECURITY": "STARTTLS"}
    )
    assert remote["SMTP_SECURITY"] == "starttls"
