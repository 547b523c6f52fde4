"""Settings come from environment variables with documented defaults."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from settings import Settings


def test_defaults_are_the_documented_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DATABASE_URL", "REDIS_URL", "HOST", "PORT", "LOG_LEVEL", "AUTH", "RUN_WORKER"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings()
    assert settings.database_url == "sqlite+aiosqlite:///./var/wallet-tracker.db"
    assert settings.redis_url is None
    assert (settings.host, settings.port) == ("127.0.0.1", 8000)
    assert settings.log_level == "INFO"
    assert settings.auth == "off"
    assert settings.run_worker is True
    assert settings.var_dir == Path("var")
    assert settings.startup_problems() == []


def test_environment_variables_override_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql+asyncpg://u@db/wt")
    monkeypatch.setenv("REDIS_URL", "redis://cache:6379/1")
    monkeypatch.setenv("PORT", "9000")
    monkeypatch.setenv("LOG_LEVEL", "debug")
    monkeypatch.setenv("RUN_WORKER", "false")
    settings = Settings()
    assert settings.database_url == "postgresql+asyncpg://u@db/wt"
    assert settings.redis_url == "redis://cache:6379/1"
    assert settings.port == 9000
    assert settings.log_level == "DEBUG"
    assert settings.run_worker is False


def test_an_empty_redis_url_means_the_embedded_redis(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REDIS_URL", "")
    assert Settings().redis_url is None


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "::1", "localhost"])
def test_loopback_hosts_are_fine_without_auth(host: str) -> None:
    assert Settings(host=host).startup_problems() == []


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.10", "example.org"])
def test_other_hosts_are_refused_without_auth(host: str) -> None:
    [problem] = Settings(host=host).startup_problems()
    assert f"HOST={host} is not a loopback address and AUTH=off" in problem


def test_bad_values_are_refused_with_the_setting_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORT", "eighty")
    with pytest.raises(ValidationError, match="port"):
        Settings()


@pytest.mark.parametrize(
    ("given", "seconds"), [("600", 600), ("90s", 90), ("10m", 600), ("1h", 3600)]
)
def test_refresh_interval_takes_seconds_or_durations(
    monkeypatch: pytest.MonkeyPatch, given: str, seconds: int
) -> None:
    monkeypatch.setenv("REFRESH_INTERVAL", given)
    assert Settings().refresh_interval == seconds


def test_unknown_providers_are_refused_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PROVIDERS", "esplora,blockcypher")
    with pytest.raises(ValidationError, match="blockcypher"):
        Settings()
    monkeypatch.setenv("PROVIDERS", " esplora , blockchair ")
    assert Settings().provider_order == ["esplora", "blockchair"]


def test_keyless_blockchair_gets_a_gentle_default_rate(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BLOCKCHAIR_API_KEY", raising=False)
    monkeypatch.delenv("BLOCKCHAIR_RATE_LIMIT", raising=False)
    assert Settings().blockchair_requests_per_second == 0.5
    monkeypatch.setenv("BLOCKCHAIR_API_KEY", "bc-key-never-shown")
    assert Settings().blockchair_requests_per_second == 4.0
    assert "bc-key-never-shown" not in repr(Settings())


@pytest.mark.parametrize(
    ("environment", "limit"),
    [
        ({"AUTH": "off"}, None),
        ({"AUTH": "token"}, 600),
        ({"AUTH": "off", "RATE_LIMIT_PER_MINUTE": "120"}, 120),
        ({"AUTH": "token", "RATE_LIMIT_PER_MINUTE": "120"}, 120),
        ({"AUTH": "token", "RATE_LIMIT_PER_MINUTE": "0"}, None),
    ],
)
def test_the_per_client_limit_is_on_by_default_only_with_tokens(
    monkeypatch: pytest.MonkeyPatch, environment: dict[str, str], limit: int | None
) -> None:
    monkeypatch.delenv("RATE_LIMIT_PER_MINUTE", raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert Settings().rate_limit_per_minute == limit


@pytest.mark.parametrize(
    ("values", "hosts"),
    [
        ({}, ["127.0.0.1", "[::1]", "localhost"]),
        ({"host": "::1"}, ["127.0.0.1", "[::1]", "localhost"]),
        ({"host": "127.0.0.2"}, ["127.0.0.1", "127.0.0.2", "[::1]", "localhost"]),
        ({"auth": "token"}, None),
        (
            {"auth": "token", "allowed_hosts": "a.example, *.b.example"},
            ["a.example", "*.b.example"],
        ),
        ({"allowed_hosts": "*"}, None),
    ],
)
def test_allowed_hosts_default_to_loopback_names_without_tokens(
    values: dict[str, Any], hosts: list[str] | None
) -> None:
    assert Settings.model_validate(values).trusted_hosts == hosts
