"""QR codes of activation links, as inline SVG for pages and as SVG/PNG downloads.

The page's SVG is encoded by zxing-cpp (its C++ writer, Zint, picks the mask by the
standard's penalty rules, as qrcode does) in about 1 ms, where qrcode's pure Python
took 7: that build was most of a session's first view (docs/benchmarks.md). The PNG
download stays with qrcode and Pillow.

`qr_svg` and `qr_png` (the downloads) remember their last results per process: pure
functions of their arguments, returning immutable values. The page's code is kept in the
shared cache instead (`kept_qr_svg`), so only the first worker to show a session builds
it, and for no longer than the session lives: until it expires, and deleted when it is
erased (`forget_kept_qr_svgs`). It holds no phone number, but it is the session's code,
so its pages stay `no-store` like the page itself.
"""

from __future__ import annotations

import functools
import hashlib
import html
import io
import logging
import re
from datetime import datetime

import qrcode
import zxingcpp
from django.core.cache import cache
from django.utils import timezone
from qrcode.image.pil import PilImage

logger = logging.getLogger(__name__)

# M recovers from ~15% damage: enough for glare on a laptop screen, and it keeps the
# code small (a wa.me link fits version 3, 29x29 modules).
ERROR_CORRECTION = qrcode.constants.ERROR_CORRECT_M
SVG_ERROR_CORRECTION = "M"  # the same level, as zxing-cpp names it
# The QR spec asks for a quiet zone of four modules; phone cameras fail without it.
QUIET_ZONE = 4
PNG_MODULE_PIXELS = 12
# Per worker process; an inline SVG is ~10 KB, so at most a few MB.
SVG_CACHE_SIZE = 256
PNG_CACHE_SIZE = 64
# The shared cache keeps a session's code until the session expires, and never longer
# than Kapso's sessions live (24 hours), whatever expires_at says.
KEPT_PREFIX = "sandbox:session-qr:"
LONGEST_KEPT_SECONDS = 24 * 3600
_DARK_RUN = re.compile(rb"\x00+")  # zxing-cpp's bitmap: 0 is a dark module


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


def _modules(data: str) -> tuple[int, bytes]:
    """The code's modules, quiet zone excluded: (side, one byte a module, 0 = dark)."""
    try:
        code = zxingcpp.create_barcode(
            data, zxingcpp.BarcodeFormat.QRCode, ec_level=SVG_ERROR_CORRECTION
        )
    except ValueError:  # it refuses empty data (an erased session's link); qrcode does not
        matrix = _code(data, PilImage, 1).get_matrix()[QUIET_ZONE:-QUIET_ZONE]
        rows = [row[QUIET_ZONE:-QUIET_ZONE] for row in matrix]
        return len(rows), bytes(0 if dark else 255 for row in rows for dark in row)
    image = code.to_image(scale=1, add_quiet_zones=False)
    return image.shape[0], bytes(memoryview(image))


def _svg(data: str, label: str) -> str:
    """A standalone SVG document: white background, scales to any size without blur.

    One path of dark rectangles (a run of modules in a row each), in module units, offset
    by the quiet zone; sizing belongs to the page's CSS, the viewBox keeps it square.
    """
    side, modules = _modules(data)
    squares = []
    for y in range(side):
        row = modules[y * side : (y + 1) * side]
        top, bottom = y + QUIET_ZONE, y + QUIET_ZONE + 1
        for run in _DARK_RUN.finditer(row):
            left, right = run.start() + QUIET_ZONE, run.end() + QUIET_ZONE
            squares.append(f"M{left},{top}H{right}V{bottom}H{left}z")
    size = side + 2 * QUIET_ZONE
    name = label or f"QR code for {data}"
    return (
        f'<svg version="1.1" viewBox="0 0 {size} {size}" xmlns="http://www.w3.org/2000/svg" '
        f'role="img" aria-label="{html.escape(name)}" shape-rendering="crispEdges">'
        f"<title>{html.escape(label or data, quote=False)}</title>"
        '<rect fill="white" x="0" y="0" width="100%" height="100%" />'
        f'<path d="{"".join(squares)}" fill="#000000" stroke="none" /></svg>'
    )


@functools.lru_cache(maxsize=SVG_CACHE_SIZE)
def qr_svg(data: str, *, label: str = "") -> str:
    """The code of `data` as an SVG document (the download; pages use `kept_qr_svg`)."""
    return _svg(data, label)


@functools.lru_cache(maxsize=PNG_CACHE_SIZE)
def qr_png(data: str) -> bytes:
    image = _code(data, PilImage, PNG_MODULE_PIXELS).make_image()
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


NOT_READ = object()  # kept_qr_svg's `kept` when the caller did not read the cache for it


def kept_key(session_id: int) -> str:
    """Where a session's code is kept in the shared cache."""
    return f"{KEPT_PREFIX}{session_id}"


def kept_qr_svg(
    session_id: int,
    data: str,
    *,
    label: str,
    expires_at: datetime | None,
    kept: object = NOT_READ,
) -> str:
    """`qr_svg` of a session's link for its page, built once for all workers and kept in
    the shared cache until the session expires: an expired session, or one whose expiry
    Kapso did not say, keeps nothing. A changed link or label is built afresh.

    `kept` is what the cache held under `kept_key(session_id)` when the caller read it
    already, in a round trip it made anyway (the session page's lookup). The cache is
    only a speed-up: when it cannot be reached the code is built here.
    """
    key = kept_key(session_id)
    digest = hashlib.sha256(f"{data}\x1f{label}".encode()).hexdigest()[:32]
    if kept is NOT_READ:
        try:
            kept = cache.get(key)
        except Exception:  # any cache failure: build it instead (logged, never shown)
            logger.warning("QR cache unreachable; building the code in this worker", exc_info=True)
            return _svg(data, label)
    if kept and kept[0] == digest:
        return kept[1]
    svg = _svg(data, label)
    lives = (expires_at - timezone.now()).total_seconds() if expires_at else 0
    if lives >= 1:
        try:
            cache.set(key, (digest, svg), int(min(lives, LONGEST_KEPT_SECONDS)))
        except Exception:  # same: the page is shown without keeping the code
            logger.warning("QR cache unreachable; code not kept", exc_info=True)
    return svg


def forget_kept_qr_svgs(session_ids) -> None:
    """Delete the kept codes of these sessions (erased or deleted): nothing outlives them.

    Called once the erasure is committed; a cache outage then cannot undo it, and the
    session's expiry still bounds the copy (logged, without the session's data).
    """
    keys = [kept_key(pk) for pk in session_ids]
    if not keys:
        return
    try:
        cache.delete_many(keys)
    except Exception:
        logger.warning("QR cache unreachable: %s kept codes left to expire", len(keys))
