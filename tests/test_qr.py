import io
import xml.etree.ElementTree as ET

import pytest
import zxingcpp
from PIL import Image

from sandbox.qr import QUIET_ZONE, qr_png, qr_svg
from tests.qr_decode import decode_png, decode_svg

LINKS = [
    "https://wa.me/12345678901?text=ABC123",
    "https://wa.me/15550001111?text=Z9XK2M",
    "https://wa.me/447911123456?text=join%20ABC123",
]


@pytest.mark.parametrize("link", LINKS)
def test_svg_decodes_to_exactly_the_link(link):
    assert decode_svg(qr_svg(link)) == [link]


@pytest.mark.parametrize("link", LINKS)
def test_png_decodes_to_exactly_the_link(link):
    assert decode_png(qr_png(link)) == [link]


def test_svg_has_white_background_quiet_zone_and_text_alternative():
    svg = qr_svg(LINKS[0], label="QR for ABC123")
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    assert root.attrib["role"] == "img"
    assert root.attrib["aria-label"] == "QR for ABC123"
    assert root.find(f"{ns}title").text == "QR for ABC123"
    assert root.find(f"{ns}rect").attrib["fill"] == "white"
    # No fixed size: CSS scales it; the viewBox keeps it square.
    assert "width" not in root.attrib and "height" not in root.attrib
    size = int(root.attrib["viewBox"].split()[2])
    path = root.find(f"{ns}path").attrib["d"]
    # Nothing is drawn inside the four-module quiet zone.
    assert f"M{QUIET_ZONE},{QUIET_ZONE}H" in path
    assert all(
        QUIET_ZONE <= int(xy) < size - QUIET_ZONE
        for square in path.split("z")
        if square
        for xy in square[1:].split("H")[0].split(",")
    )


def test_png_is_large_enough_to_scan_from_a_screen():
    image = Image.open(io.BytesIO(qr_png(LINKS[0])))
    assert image.format == "PNG"
    assert image.width == image.height >= 300


def test_error_correction_is_at_least_m():
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(qr_png(LINKS[0]))))
    assert results[0].ec_level in ("M", "Q", "H")


def test_code_still_reads_with_a_glare_spot():
    # A blank square of 20% of the side in the middle: level L fails here, M reads.
    image = Image.open(io.BytesIO(qr_png(LINKS[0]))).convert("L")
    side = image.width
    hole = int(side * 0.20)
    image.paste(
        255,
        (
            side // 2 - hole // 2,
            side // 2 - hole // 2,
            side // 2 + hole // 2,
            side // 2 + hole // 2,
        ),
    )
    out = io.BytesIO()
    image.save(out, format="PNG")
    assert decode_png(out.getvalue()) == [LINKS[0]]
