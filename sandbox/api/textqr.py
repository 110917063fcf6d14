"""A QR code drawn in text, for a terminal or a CI log: `GET /api/v1/sessions/<id>/qr.txt`.

Two modules a line, as the half-block characters ▀ ▄ █ and a space, so the code is square
in a terminal's 1:2 character cells and a wa.me link fits in about 37 columns. Text has no
colours of its own: drawn for a dark background (most terminals, GitHub's CI log), the
light modules are the characters' ink; for a light background, the dark ones. Same error
correction and quiet zone as the page's code (sandbox/qr.py), so phones read it alike.
"""

from __future__ import annotations

import functools

import qrcode

from sandbox.qr import ERROR_CORRECTION, QUIET_ZONE

# Index: upper module inked (1) + lower module inked (2).
CELLS = (" ", "▀", "▄", "█")
BACKGROUNDS = ("dark", "light")


@functools.lru_cache(maxsize=256)
def qr_text(data: str, *, background: str = "dark") -> str:
    """The code of `data` as lines of text, quiet zone included, ending in a newline."""
    if background not in BACKGROUNDS:
        raise ValueError(f"background must be one of {BACKGROUNDS}")
    code = qrcode.QRCode(error_correction=ERROR_CORRECTION, border=QUIET_ZONE)
    code.add_data(data)
    code.make(fit=True)
    matrix = code.get_matrix()  # True = dark module, quiet zone included
    # On a dark background the ink shows light: ink the light modules.
    ink_dark = background == "light"
    size = len(matrix)
    rows = [*matrix, [False] * size] if size % 2 else matrix  # an odd last row pairs with light

    def inked(row: list[bool], x: int) -> int:
        return int(row[x] == ink_dark)

    lines = []
    for y in range(0, len(rows), 2):
        upper, lower = rows[y], rows[y + 1]
        lines.append("".join(CELLS[inked(upper, x) + 2 * inked(lower, x)] for x in range(size)))
    return "\n".join(lines) + "\n"
