"""QR codes of activation links, as inline SVG for pages and as SVG/PNG downloads.

Building a code is slow in pure Python (about 8 ms: qrcode tries all eight masks), and a
session's page shows the same code each time it is opened. So `qr_svg` and `qr_png`
remember their last few hundred results per process, and `shared_qr_svg` (what pages
use) also keeps the SVG in the shared cache, so that of all the workers on all the
machines only the first to show a session builds its code (docs/benchmarks.md).
They are pure functions of their arguments and return immutable values, so that is safe.
"""

from __future__ import annotations

import functools
import hashlib
import io
import logging
import xml.etree.ElementTree as ET

import qrcode
import qrcode.image.svg
from django.core.cache import cache
from qrcode.image.pil import PilImage

logger = logging.getLogger(__name__)

# M recovers from ~15% damage: enough for glare on a laptop screen, and it keeps the
# code small (a wa.me link fits version 3, 29x29 modules).
ERROR_CORRECTION = qrcode.constants.ERROR_CORRECT_M
# The QR spec asks for a quiet zone of four modules; phone cameras fail without it.
QUIET_ZONE = 4
PNG_MODULE_PIXELS = 12
# Per worker process; an inline SVG is ~10 KB, so at most a few MB.
SVG_CACHE_SIZE = 256
PNG_CACHE_SIZE = 64
# In the shared cache: a week outlives any session's code (Kapso's last 24 hours).
SHARED_TTL_SECONDS = 7 * 24 * 3600


def _code(data: str, image_factory, box_size: int) -> qrcode.QRCode:
    code = qrcode.QRCode(
        error_correction=ERROR_CORRECTION,
        border=QUIET_ZONE,
        box_size=box_size,
        image_factory=image_factory,
    )
    code.add_data(data)
    code.make(fit=True)
    return code


@functools.lru_cache(maxsize=SVG_CACHE_SIZE)
def qr_svg(data: str, *, label: str = "") -> str:
    """A standalone SVG document: white background, scales to any size without blur."""
    image = _code(data, qrcode.image.svg.SvgPathFillImage, 10).make_image()
    root = image.get_image()
    # Sizing belongs to the page's CSS; the viewBox keeps the proportions.
    root.attrib.pop("width", None)
    root.attrib.pop("height", None)
    root.set("role", "img")
    root.set("aria-label", label or f"QR code for {data}")
    root.set("shape-rendering", "crispEdges")
    title = ET.Element("title")
    title.text = label or data
    root.insert(0, title)
    return ET.tostring(root, encoding="unicode")


@functools.lru_cache(maxsize=PNG_CACHE_SIZE)
def qr_png(data: str) -> bytes:
    image = _code(data, PilImage, PNG_MODULE_PIXELS).make_image()
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


@functools.lru_cache(maxsize=SVG_CACHE_SIZE)
def shared_qr_svg(data: str, *, label: str = "") -> str:
    """`qr_svg`, built once for all workers: kept in the shared cache (Redis in production).

    The cache is only a speed-up: when it cannot be reached the code is built here.
    """
    key = "sandbox:qr-svg:" + hashlib.sha256(f"{data}\x1f{label}".encode()).hexdigest()
    try:
        svg = cache.get(key)
    except Exception:  # any cache failure: build it instead (logged, never shown)
        logger.warning("QR cache unreachable; building the code in this worker", exc_info=True)
        return qr_svg(data, label=label)
    if svg is None:
        svg = qr_svg(data, label=label)
        try:
            cache.set(key, svg, SHARED_TTL_SECONDS)
        except Exception:  # same: the page is shown without caching the code
            logger.warning("QR cache unreachable; code not shared", exc_info=True)
    return svg
