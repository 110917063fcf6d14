"""sandbox/management/commands/ensure_privacy_key.py: `make run` and `make serve` give the
install its own PRIVACY_HASH_KEY in .env, once, without printing it."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command


def _run(env_file, monkeypatch) -> str:
    monkeypatch.delenv("PRIVACY_HASH_KEY", raising=False)
    out = StringIO()
    call_command("ensure_privacy_key", env_file=str(env_file), stdout=out)
    return out.getvalue()


def test_a_key_is_written_once_and_never_printed(tmp_path, monkeypatch):
    env_file = tmp_path / ".env"
    env_file.write_text("KAPSO_API_KEY=abc")  # no newline at the end
    said = _run(env_file, monkeypatch)
    lines = env_file.read_text().splitlines()
    assert lines[0] == "KAPSO_API_KEY=abc" and lines[1].startswith("PRIVACY_HASH_KEY=")
    key = lines[1].split("=", 1)[1]
    assert len(key) >= 48 and key not in said
    _run(env_file, monkeypatch)  # a second run keeps it: rotating forgets erasures
    assert env_file.read_text().count("PRIVACY_HASH_KEY=") == 1


def test_a_key_in_the_environment_is_left_alone(tmp_path, monkeypatch):
    env_file = tmp_path / ".env"
    monkeypatch.setenv("PRIVACY_HASH_KEY", "from-the-environment")
    call_command("ensure_privacy_key", env_file=str(env_file), stdout=StringIO())
    assert not env_file.exists()
