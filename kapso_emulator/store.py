"""Agents, sandbox sessions and the emulator clock, plus the rules Kapso applies to them."""

from __future__ import annotations

import bisect
import copy
import re
import secrets
import threading
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from kapso_emulator.errors import not_found, validation_failed
from kapso_emulator.persistence import load_state, save_state
from kapso_emulator.timeutil import format_ts, parse_ts, utc_now

# Kapso's sandbox is time-boxed before and after activation alike; a session past its
# `expires_at` keeps its status (the schema has no "expired"): readers compare the time.
SESSION_TTL = timedelta(hours=24)
# Not a status: the control endpoint's word for "expire this session now".
EXPIRE_NOW = "expired"
# No 0/O or 1/I: people read the code off a screen and type it into WhatsApp.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
# fullmatch + explicit [0-9]: `$` would accept a trailing newline and `\d` non-ASCII digits.
PHONE_PATTERN = re.compile(r"\+[1-9][0-9]{6,14}")
PROJECT_ID = "project-emulator"
SEED_AGENTS = (
    (
        "agent-support-01",
        "Customer Support Agent",
        "Answers first-line customer questions and hands over to a human when stuck",
    ),
    (
        "agent-sales-02",
        "Sales Assistant",
        "Qualifies inbound leads and books product demos",
    ),
    (
        "agent-onboarding-03",
        "Onboarding Guide",
        "Walks new customers through account setup one step at a time",
    ),
)
STATE_VERSION = 1

Clock = Callable[[], datetime]


def _order_key(session: dict[str, Any]) -> tuple[float, str]:
    # Ascending on this key means newest created_at first, ties broken by id.
    return (-parse_ts(session["created_at"]).timestamp(), session["id"])


class Store:
    """All emulator state behind one lock; every mutation is written to the state file."""

    def __init__(
        self,
        *,
        state_file: str | None = None,
        sandbox_number: str = "15551234567",
        clock: Clock | None = None,
    ) -> None:
        digits = "".join(ch for ch in str(sandbox_number) if ch.isdigit())
        if not digits:
            raise ValueError("sandbox_number must contain digits")
        self.sandbox_number = digits
        self.state_file = state_file
        self._clock = clock or utc_now
        self._lock = threading.Lock()
        self._offset = 0.0
        self._agents: dict[str, dict[str, Any]] = {}
        self._sessions: dict[str, dict[str, Any]] = {}
        # Kept sorted on insert so listing a page is a slice, not a sort of every session.
        self._order: list[tuple[float, str]] = []
        state = load_state(state_file) if state_file else None
        if state is not None:
            self._restore(state)
        if not self._agents:
            with self._lock:
                self._seed_agents()
                self._save()

    # -- clock ---------------------------------------------------------------------------

    def now(self) -> datetime:
        moment = self._clock()
        if moment.tzinfo is None:
            raise ValueError("the emulator clock must return an aware datetime")
        return moment + timedelta(seconds=self._offset)

    def _stamp_now(self) -> datetime:
        return self.now().replace(microsecond=0)

    def advance_clock(self, seconds: float) -> str:
        with self._lock:
            self._offset += seconds
            self._save()
            return format_ts(self._stamp_now())

    # -- agents --------------------------------------------------------------------------

    def list_agents(self) -> list[dict[str, Any]]:
        with self._lock:
            return copy.deepcopy(list(self._agents.values()))

    def get_agent(self, agent_id: str) -> dict[str, Any]:
        with self._lock:
            agent = self._agents.get(agent_id)
            if agent is None:
                raise not_found("Agent not found")
            return copy.deepcopy(agent)

    # -- sessions ------------------------------------------------------------------------

    def create_session(
        self, phone_number: object, agent_id: object, *, created_at: datetime | None = None
    ) -> dict[str, Any]:
        return self.create_sessions(phone_number, agent_id, count=1, created_at=created_at)[0]

    def create_sessions(
        self,
        phone_number: object,
        agent_id: object,
        *,
        count: int = 1,
        created_at: datetime | None = None,
    ) -> list[dict[str, Any]]:
        """Create `count` sessions for one phone and agent, written to disk once."""
        errors: dict[str, list[str]] = {}
        messages = []
        if not isinstance(phone_number, str) or not PHONE_PATTERN.fullmatch(phone_number):
            errors["phone_number"] = ["is invalid"]
            messages.append("Phone number is invalid")
        if not isinstance(agent_id, str) or not agent_id.strip():
            errors["agent_id"] = ["can't be blank"]
            messages.append("Agent can't be blank")
        if errors:
            raise validation_failed(errors, "; ".join(messages))
        with self._lock:
            agent = self._agents.get(agent_id)
            if agent is None:
                raise not_found("Agent not found")
            created = (created_at or self.now()).replace(microsecond=0)
            made = [self._new_session(phone_number, agent, created) for _ in range(count)]
            self._save()
            return copy.deepcopy(made)

    def _new_session(
        self, phone_number: str, agent: dict[str, Any], created: datetime
    ) -> dict[str, Any]:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        session = {
            "id": str(uuid.uuid4()),
            "phone_number": phone_number,
            "status": "pending_activation",
            "activation_code": code,
            "activation_message": f"Your WhatsApp Sandbox activation code is: {code}",
            "activation_link": f"https://wa.me/{self.sandbox_number}?text={code}",
            "activated_at": None,
            "expires_at": format_ts(created + SESSION_TTL),
            "created_at": format_ts(created),
            "updated_at": format_ts(created),
            "agent": copy.deepcopy(agent),
        }
        self._sessions[session["id"]] = session
        bisect.insort(self._order, _order_key(session))
        return session

    def get_session(self, session_id: str) -> dict[str, Any]:
        with self._lock:
            return copy.deepcopy(self._find(session_id))

    def list_sessions(self, page: int, per_page: int) -> tuple[list[dict[str, Any]], int]:
        """Return one page, newest first, and the total count."""
        with self._lock:
            start = (page - 1) * per_page
            keys = self._order[start : start + per_page]
            sessions = [self._sessions[session_id] for _, session_id in keys]
            return copy.deepcopy(sessions), len(self._order)

    def set_status(self, session_id: str, status: str) -> dict[str, Any]:
        """What happens when a phone sends the code (or Kapso changes status on its own).

        Kapso's published schema lists two statuses, `pending_activation` and `active`, and
        says a session's end only through `expires_at`. So `expired` is not a status here: it
        means "expire it now" (`expires_at` moves to now, the status stays). Any other word
        is kept as sent, standing in for a status Kapso may add without documenting it.
        """
        with self._lock:
            session = self._find(session_id)
            now = self._stamp_now()
            if status == "active":
                session["activated_at"] = format_ts(now)
                session["expires_at"] = format_ts(now + SESSION_TTL)
            if status == EXPIRE_NOW:
                expires = session.get("expires_at")
                if expires is None or parse_ts(expires) > now:
                    session["expires_at"] = format_ts(now)
            else:
                session["status"] = status
            session["updated_at"] = format_ts(now)
            self._save()
            return copy.deepcopy(session)

    def counts(self) -> tuple[int, int]:
        with self._lock:
            return len(self._sessions), len(self._agents)

    def reset(self) -> None:
        with self._lock:
            self._sessions.clear()
            self._order.clear()
            self._agents.clear()
            self._offset = 0.0
            self._seed_agents()
            self._save()

    # -- internals (callers hold the lock) -----------------------------------------------

    def _find(self, session_id: str) -> dict[str, Any]:
        session = self._sessions.get(session_id)
        if session is None:
            raise not_found("Sandbox session not found")
        return session

    def _seed_agents(self) -> None:
        stamp = format_ts(self._stamp_now())
        for agent_id, name, description in SEED_AGENTS:
            self._agents[agent_id] = {
                "id": agent_id,
                "name": name,
                "description": description,
                "project_id": PROJECT_ID,
                "created_at": stamp,
                "updated_at": stamp,
            }

    def _restore(self, state: dict[str, Any]) -> None:
        agents = state.get("agents", [])
        sessions = state.get("sessions", [])
        if not isinstance(agents, list) or not isinstance(sessions, list):
            raise ValueError(f"state file {self.state_file!r} has an unexpected shape")
        try:
            self._offset = float(state.get("clock_offset_seconds", 0.0))
            self._agents = {agent["id"]: agent for agent in agents}
            self._sessions = {session["id"]: session for session in sessions}
            self._order = sorted(_order_key(session) for session in sessions)
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(
                f"state file {self.state_file!r} has an invalid record: {exc}"
            ) from exc

    def _save(self) -> None:
        if not self.state_file:
            return
        save_state(
            self.state_file,
            {
                "version": STATE_VERSION,
                "clock_offset_seconds": self._offset,
                "agents": list(self._agents.values()),
                "sessions": [self._sessions[session_id] for _, session_id in self._order],
            },
        )
