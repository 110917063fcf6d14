"""kapso_emulator/faults.py: arming a fault, matching it to a call, using it up, corrupting."""

from __future__ import annotations

import pytest

from kapso_emulator.errors import ApiError
from kapso_emulator.faults import Fault, FaultTable, corrupt, parse_fault

SESSIONS = "/api/v1/sandbox_sessions"


def test_a_fault_is_read_with_its_defaults():
    fault = parse_fault({"kind": "status", "path": SESSIONS + "/"})
    assert (fault.method, fault.path, fault.times, fault.status, fault.delay) == (
        "*",
        SESSIONS,
        1,
        500,
        0.0,
    )


@pytest.mark.parametrize(
    "payload",
    [
        {"kind": "explode", "path": SESSIONS},
        {"kind": "status", "path": "api/v1"},
        {"kind": "status", "path": SESSIONS, "times": 0},
        {"kind": "status", "path": SESSIONS, "times": True},
        {"kind": "status", "path": SESSIONS, "status": 600},
        {"kind": "delay", "path": SESSIONS, "delay": 121},
        {"kind": "rate_limit", "path": SESSIONS, "retry_after": -1},
    ],
)
def test_a_bad_fault_is_a_400_saying_what_is_wrong(payload):
    with pytest.raises(ApiError) as refused:
        parse_fault(payload)
    assert refused.value.status == 400 and refused.value.message


def test_a_star_is_one_path_segment_and_the_method_must_match():
    fault = Fault(method="GET", path=SESSIONS + "/*", kind="html")
    assert fault.matches("GET", SESSIONS + "/abc")
    assert not fault.matches("GET", SESSIONS + "/abc/def")
    assert not fault.matches("GET", SESSIONS)
    assert not fault.matches("POST", SESSIONS + "/abc")
    assert Fault(method="*", path=SESSIONS, kind="html").matches("POST", SESSIONS)


def test_the_first_matching_fault_is_used_up_one_call_at_a_time():
    table = FaultTable()
    table.add(Fault(method="*", path=SESSIONS, kind="status", times=2))
    table.add(Fault(method="*", path=SESSIONS, kind="html"))
    kinds = [getattr(table.take("POST", SESSIONS), "kind", None) for _ in range(4)]
    assert kinds == ["status", "status", "html", None]
    table.add(Fault(method="*", path=SESSIONS, kind="drop"))
    assert [f["kind"] for f in table.armed()] == ["drop"]
    table.clear()
    assert table.armed() == []


def body() -> dict:
    return {"data": {"activation_link": "https://wa.me/1", "activation_code": "ABC", "name": "x"}}


def test_corruptions_remove_mistype_or_poison_a_field():
    assert "activation_link" not in corrupt(Fault("*", "/", "missing_field"), body())["data"]
    mistyped = corrupt(Fault("*", "/", "mistyped_field"), body())["data"]
    assert mistyped["activation_code"] == 123456 and mistyped["expires_at"] == "in a day or so"
    poisoned = corrupt(Fault("*", "/", "bad_link"), body())["data"]
    assert poisoned["activation_link"].startswith("javascript:")


def test_a_list_corrupts_its_first_item_and_an_empty_answer_is_left_alone():
    listed = corrupt(Fault("*", "/", "missing_field"), {"data": [{"activation_link": "x"}, {}]})
    assert listed == {"data": [{}, {}]}
    assert corrupt(Fault("*", "/", "bad_link"), {"data": []}) == {"data": []}
