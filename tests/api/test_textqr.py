"""sandbox/api/textqr.py: the code in half-block characters, square in a terminal, with its
quiet zone; tests/api/views/test_qr.py reads it back with a real decoder."""

from __future__ import annotations

import pytest

from sandbox.api.textqr import CELLS, qr_text
from sandbox.qr import QUIET_ZONE

LINK = "https://wa.me/15551234567?text=ABC123"


def test_two_modules_a_line_with_the_quiet_zone_light():
    dark = qr_text(LINK).rstrip("\n").split("\n")
    light = qr_text(LINK, background="light").rstrip("\n").split("\n")
    size = len(dark[0])  # modules across, quiet zone included
    assert len(dark) == (size + 1) // 2
    # The quiet zone is light: inked on a dark background, blank on a light one.
    assert dark[0] == CELLS[3] * size and light[0] == " " * size
    assert all(line[:QUIET_ZONE] == " " * QUIET_ZONE for line in light)
    # The two drawings are each other's negative.
    swap = str.maketrans({" ": "█", "█": " ", "▀": "▄", "▄": "▀"})
    assert [line.translate(swap) for line in light[:-1]] == dark[:-1]


def test_an_unknown_background_is_refused():
    with pytest.raises(ValueError, match="background"):
        qr_text(LINK, background="blue")
