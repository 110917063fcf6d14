"""The JSON state file (kapso_emulator/persistence.py): survives a restart, never overwritten
when it cannot be read, never holds the API key."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest

from kapso_emulator import EmulatorServer
from tests.emulator.helpers import START, call, control, create, iso


def test_state_survives_restart(make_emulator, clock, tmp_path):
    state_file = tmp_path / "state.json"
    first = make_emulator(clock=clock, state_file=str(state_file), api_key="very-secret-key")
    created = [create(first, key="very-secret-key").json()["data"] for _ in range(2)]
    control(first, "POST", f"/sessions/{created[0]['id']}/status", {"status": "active"})
    control(first, "POST", "/clock", {"advance_seconds": 3600})
    before = call(first, "GET", "/api/v1/sandbox_sessions", key="very-secret-key").json()
    first.stop()

    second = make_emulator(clock=clock, state_file=str(state_file))
    after = call(second, "GET", "/api/v1/sandbox_sessions").json()

    assert after == before
    assert after["meta"]["total_count"] == 2
    assert control(second, "POST", "/clock", {"advance_seconds": 0}).json()["now"] == iso(
        START + timedelta(hours=1)
    )
    assert "very-secret-key" not in state_file.read_text()
    assert sorted(os.listdir(tmp_path)) == ["state.json"]


def test_corrupt_state_file_is_refused_not_overwritten(tmp_path):
    state_file = tmp_path / "state.json"
    state_file.write_text("{not json")

    with pytest.raises(ValueError, match="state file"):
        EmulatorServer(port=0, state_file=str(state_file))
    assert state_file.read_text() == "{not json"
