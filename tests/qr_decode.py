"""Decode QR codes the way a phone would: from pixels, with a real decoder (zxing-cpp)."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET

import zxingcpp
from PIL import Image, ImageDraw

_SQUARE = re.compile(r"M(\d+),(\d+)H(\d+)V(\d+)H\d+z")


def decode_png(data: bytes) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(Image.open(io.BytesIO(data)))]


def rasterize_svg(svg: str, scale: int = 8) -> Image.Image:
    """Paint the SVG's white background and dark module path into a bitmap.

    Only what qr.py emits is understood (one rect, one path of squares); anything else
    fails loudly rather than decoding by luck.
    """
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    _, _, width, height = (int(float(v)) for v in root.attrib["viewBox"].split())
    image = Image.new("L", (width * scale, height * scale), 128)  # grey: no background drawn
    draw = ImageDraw.Draw(image)
    rect = root.find(f"{ns}rect")
    if rect is not None and rect.attrib.get("fill") in ("white", "#fff", "#ffffff"):
        draw.rectangle([0, 0, width * scale, height * scale], fill=255)
    path = root.find(f"{ns}path").attrib["d"]
    squares = _SQUARE.findall(path)
    assert squares and len("".join(f"M{a},{b}H{c}V{d}H{a}z" for a, b, c, d in squares)) == len(path)
    for x0, y0, x1, y1 in squares:
        draw.rectangle(
            [int(x0) * scale, int(y0) * scale, int(x1) * scale - 1, int(y1) * scale - 1], fill=0
        )
    return image


def decode_svg(svg: str) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(rasterize_svg(svg))]
