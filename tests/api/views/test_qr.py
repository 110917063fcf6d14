"""sandbox/api/views/qr.py: the QR code as SVG, PNG and text, each read back by a real
decoder (zxing-cpp) to exactly the session's link; text drawn for either background."""

from __future__ import annotations

import pytest
import zxingcpp
from PIL import Image

from sandbox.api.textqr import CELLS
from tests.api.conftest import problem
from tests.factories import make_session
from tests.qr_decode import decode_png, decode_svg

pytestmark = pytest.mark.django_db


def text_to_image(text: str, *, background: str, scale: int = 6) -> Image.Image:
    """Paint the text code as a terminal would: ink light on dark, or dark on light."""
    rows = text.rstrip("\n").split("\n")
    ink, paper = (255, 0) if background == "dark" else (0, 255)
    image = Image.new("L", (len(rows[0]) * scale, len(rows) * 2 * scale), paper)
    pixels = image.load()
    for y, row in enumerate(rows):
        for x, char in enumerate(row):
            index = CELLS.index(char)
            for half, inked in ((0, index & 1), (1, index & 2)):
                if inked:
                    for dy in range(scale):
                        for dx in range(scale):
                            pixels[x * scale + dx, (2 * y + half) * scale + dy] = ink
    return image


def test_svg_and_png_scan_to_the_link(kapso, alice_api, alice):
    session = make_session(alice)
    svg = alice_api.get(f"/api/v1/sessions/{session.pk}/qr.svg")
    assert svg["Content-Type"] == "image/svg+xml"
    assert svg["Cache-Control"] == "no-store"
    assert decode_svg(svg.content.decode().split("\n", 1)[1]) == [session.activation_link]
    png = alice_api.get(f"/api/v1/sessions/{session.pk}/qr.png")
    assert png["Content-Type"] == "image/png"
    assert decode_png(png.content) == [session.activation_link]
    assert png["Content-Disposition"].startswith('inline; filename="kapso-sandbox-')


@pytest.mark.parametrize("background", ["dark", "light"])
def test_text_scans_to_the_link_on_its_background(kapso, alice_api, alice, background):
    session = make_session(alice)
    params = {} if background == "dark" else {"background": "light"}
    answer = alice_api.get(f"/api/v1/sessions/{session.pk}/qr.txt", params)
    assert answer["Content-Type"] == "text/plain; charset=utf-8"
    text = answer.content.decode()
    assert set(text) <= {*CELLS, "\n"}
    lines = text.rstrip("\n").split("\n")
    assert len({len(line) for line in lines}) == 1 and len(lines[0]) <= 45  # fits a CI log
    image = text_to_image(text, background=background)
    results = zxingcpp.read_barcodes(image, try_invert=False)  # no help: it must scan as drawn
    assert [r.text for r in results] == [session.activation_link]


def test_an_unknown_background_is_a_400(kapso, alice_api, alice):
    session = make_session(alice)
    answer = alice_api.get(f"/api/v1/sessions/{session.pk}/qr.txt", {"background": "blue"})
    problem(answer, 400, "invalid_request")


def test_another_persons_code_is_not_found(kapso, bob_api, alice):
    session = make_session(alice)
    for kind in ("svg", "png", "txt"):
        problem(bob_api.get(f"/api/v1/sessions/{session.pk}/qr.{kind}"), 404, "not_found")
