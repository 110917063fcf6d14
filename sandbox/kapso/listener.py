"""What the client tells whoever counts its calls (metrics, the quota history).

A protocol only: the client stays free of Django and of any metrics library; the
settings-aware gateway (`sandbox/gateway.py`) plugs in the listener that counts.
"""

from __future__ import annotations

from typing import Protocol


class CallListener(Protocol):
    def called(self, operation: str, outcome: str, seconds: float) -> None:
        """One attempt went on the wire: `outcome` is "ok" or the error's kind."""

    def refused(self, whose: str) -> None:
        """The budget said no (person, watcher, team, kapso, budget_unavailable): no call."""

    def waited(self, operation: str, seconds: float) -> None:
        """The client waits `seconds` before repeating a read (a 429 or a gateway error)."""
