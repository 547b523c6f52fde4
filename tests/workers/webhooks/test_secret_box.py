"""Webhook secrets sealed with the server key: SECRET_KEY, or a key file made on first use."""

from __future__ import annotations

import logging
import stat
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from pydantic import SecretStr

from settings import Settings
from workers.webhooks.secret_box import SecretBox, SecretBoxError, secret_box, server_key

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


def settings_in(var_dir: Path, secret_key: str | None = None) -> Settings:
    return Settings(
        var_dir=var_dir, secret_key=None if secret_key is None else SecretStr(secret_key)
    )


def test_a_sealed_secret_opens_to_the_same_text() -> None:
    box = SecretBox(b"k" * 32)

    sealed = box.seal(SECRET)

    assert sealed.startswith("v1:")
    assert SECRET not in sealed
    assert box.open(sealed) == SECRET


def test_sealing_the_same_secret_twice_gives_different_texts() -> None:
    box = SecretBox(b"k" * 32)

    assert box.seal(SECRET) != box.seal(SECRET)


@pytest.mark.parametrize("position", [3, 10, 30, -3])
def test_a_changed_sealed_value_does_not_open(position: int) -> None:
    box = SecretBox(b"k" * 32)
    sealed = box.seal(SECRET)
    changed = sealed[:position] + ("A" if sealed[position] != "A" else "B") + sealed[position + 1 :]

    with pytest.raises(SecretBoxError, match="SECRET_KEY"):
        box.open(changed)


@pytest.mark.parametrize("sealed", ["", "v1:", "v1:not base64!", "v2:AAAA", SECRET])
def test_a_malformed_value_does_not_open(sealed: str) -> None:
    with pytest.raises(SecretBoxError, match="SECRET_KEY"):
        SecretBox(b"k" * 32).open(sealed)


def test_another_server_key_cannot_open_a_secret() -> None:
    sealed = SecretBox(b"k" * 32).seal(SECRET)

    with pytest.raises(SecretBoxError, match="another server key"):
        SecretBox(b"j" * 32).open(sealed)


def test_without_secret_key_a_private_key_file_is_made_once_and_reused(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    var_dir = tmp_path / "var"  # not there yet
    settings = settings_in(var_dir)

    with caplog.at_level(logging.WARNING, logger="workers.webhooks.secret_box"):
        sealed = secret_box(settings).seal(SECRET)
        key_file = var_dir / "secret.key"
        first_key_text = key_file.read_text()
        # A restart (a new process) reads the same file and opens what the first sealed.
        assert SecretBox(server_key(settings)).open(sealed) == SECRET
        assert SecretBox(server_key(settings_in(var_dir))).open(sealed) == SECRET

    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert key_file.read_text() == first_key_text
    assert [path.name for path in var_dir.iterdir()] == ["secret.key"]
    warnings = [record for record in caplog.records if record.levelno == logging.WARNING]
    assert len(warnings) == 1
    message = warnings[0].getMessage()
    assert str(key_file.resolve()) in message
    assert "SECRET_KEY" in message
    assert "webhook secrets" in message
    assert first_key_text.strip() not in message


def test_servers_starting_together_agree_on_one_key(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = settings_in(tmp_path)

    with ThreadPoolExecutor(max_workers=8) as pool:
        keys = set(pool.map(lambda _: server_key(settings), range(32)))

    assert len(keys) == 1
    assert [path.name for path in tmp_path.iterdir()] == ["secret.key"]
    assert len([record for record in caplog.records if record.levelno == logging.WARNING]) == 1


def test_another_var_dir_key_cannot_open_a_secret(tmp_path: Path) -> None:
    sealed = secret_box(settings_in(tmp_path / "first")).seal(SECRET)

    with pytest.raises(SecretBoxError, match="SECRET_KEY"):
        secret_box(settings_in(tmp_path / "second")).open(sealed)


def test_with_secret_key_no_file_is_written_and_the_same_key_opens(tmp_path: Path) -> None:
    settings = settings_in(tmp_path, secret_key="correct horse battery staple")

    sealed = secret_box(settings).seal(SECRET)

    assert list(tmp_path.iterdir()) == []
    assert SecretBox(server_key(settings)).open(sealed) == SECRET
    other = settings_in(tmp_path, secret_key="another passphrase")
    with pytest.raises(SecretBoxError, match="SECRET_KEY"):
        secret_box(other).open(sealed)


def test_a_damaged_key_file_is_reported_not_replaced(tmp_path: Path) -> None:
    (tmp_path / "secret.key").write_text("not a key\n")

    with pytest.raises(SecretBoxError, match=r"secret\.key"):
        server_key(settings_in(tmp_path))

    assert (tmp_path / "secret.key").read_text() == "not a key\n"


def test_the_box_is_cached_per_key(tmp_path: Path) -> None:
    settings = settings_in(tmp_path, secret_key="one")

    assert secret_box(settings) is secret_box(settings_in(tmp_path, secret_key="one"))
    assert secret_box(settings) is not secret_box(settings_in(tmp_path, secret_key="two"))
