"""A stand-alone fake of Kapso's REST API (agents and WhatsApp sandbox sessions).

Standard library only, so it can run anywhere the dashboard runs without pulling in Django.
"""

from __future__ import annotations

from kapso_emulator.server import EmulatorServer
from kapso_emulator.store import Store

__all__ = ["EmulatorServer", "Store"]
