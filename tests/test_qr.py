"""sandbox/qr.py: QR codes that scan to exactly the link, built once per process (and once
for all workers through the shared cache, never kept past the session's expiry or
erasure), in caches that stay bounded."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
import zxingcpp
from django.core.cache import cache
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from sandbox import qr
from sandbox.kapso.errors import KapsoError
from sandbox.kapso.types import MAX_LINK_LENGTH, check_activation_link
from sandbox.qr import QUIET_ZONE, qr_png, qr_svg
from tests.qr_decode import decode_png, decode_svg

LINKS = [
    "https://wa.me/12345678901?text=ABC123",
    "https://wa.me/15550001111?text=Z9XK2M",
    "https://wa.me/447911123456?text=join%20ABC123",
]
LINK = "https://wa.me/15550001111?text=K7Q2ZX"
# Whatever the configured sizes, a per-process cache must not grow past this many codes.
MOST_CODES_KEPT = 1024


@pytest.fixture
def builds(monkeypatch):
    """Counts real QR builds (the PNG's by qrcode, the SVG's by zxing-cpp), from empty caches."""
    qr.qr_svg.cache_clear()
    qr.qr_png.cache_clear()
    cache.clear()
    made = []
    real_code, real_modules = qr._code, qr._modules

    def counting(data, *args, **kwargs):
        made.append(data)
        return real_code(data, *args, **kwargs)

    def counting_modules(data):
        made.append(data)
        return real_modules(data)

    monkeypatch.setattr(qr, "_code", counting)
    monkeypatch.setattr(qr, "_modules", counting_modules)
    yield made
    qr.qr_svg.cache_clear()
    qr.qr_png.cache_clear()


class _CheapImage:
    def __init__(self, data: str) -> None:
        self.data = data

    def get_image(self) -> ET.Element:
        return ET.Element("svg", {"data-link": self.data})

    def save(self, out, format: str) -> None:
        out.write(self.data.encode())


class _CheapCode:
    def __init__(self, data: str) -> None:
        self.data = data

    def make_image(self) -> _CheapImage:
        return _CheapImage(self.data)


@pytest.fixture
def cheap_builds(builds, monkeypatch):
    """Counted builds that cost nothing, for filling the caches past their size."""

    def cheap(data, *args, **kwargs):
        builds.append(data)
        return _CheapCode(data)

    def cheap_modules(data):
        builds.append(data)
        return 1, b"\x00"

    monkeypatch.setattr(qr, "_code", cheap)
    monkeypatch.setattr(qr, "_modules", cheap_modules)
    return builds


# --- the code scans to the link ---------------------------------------------------------
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


@given(
    link=st.from_regex(r"\Ahttps://wa\.me/[0-9]{6,15}\?text=[ -~]{0,600}\Z")
    | st.text(max_size=600).map(lambda t: "https://wa.me/15551234567?text=" + t)
)
@settings(max_examples=150, deadline=None)
def test_every_accepted_link_renders_a_qr_code(link):
    try:
        checked = check_activation_link(link) if len(link) <= MAX_LINK_LENGTH else None
    except KapsoError:
        return
    if checked:
        svg = qr_svg(checked)
        assert svg.startswith("<svg")
        # What a phone's camera reads back is the link, exactly, however long or odd.
        assert decode_svg(svg) == [checked]


# --- how it is called -------------------------------------------------------------------
def test_the_label_names_the_code_and_is_given_by_name():
    plain = ET.fromstring(qr_svg(LINK))
    assert plain.attrib["aria-label"] == f"QR code for {LINK}"
    assert plain.find("{http://www.w3.org/2000/svg}title").text == LINK
    labelled = ET.fromstring(qr_svg(LINK, label="code K7Q2ZX"))
    assert labelled.attrib["aria-label"] == "code K7Q2ZX"
    with pytest.raises(TypeError):
        qr_svg(LINK, "code K7Q2ZX")  # a positional label would be a second link by mistake


def test_the_png_takes_the_link_alone_and_is_png_bytes():
    png = qr_png(LINK)
    assert isinstance(png, bytes) and png.startswith(b"\x89PNG\r\n\x1a\n")
    assert decode_png(png) == [LINK]
    with pytest.raises(TypeError):
        qr_png(LINK, label="x")


def test_svg_is_a_string_of_one_svg_element():
    svg = qr_svg(LINK)
    assert isinstance(svg, str)
    assert ET.fromstring(svg).tag == "{http://www.w3.org/2000/svg}svg"


# --- built once -------------------------------------------------------------------------
def test_the_same_link_and_label_build_the_svg_once(builds):
    first = qr.qr_svg(LINK, label="code K7Q2ZX")
    assert qr.qr_svg(LINK, label="code K7Q2ZX") == first
    assert builds == [LINK]


def test_another_link_or_label_is_another_code(builds):
    plain = qr.qr_svg(LINK)
    labelled = qr.qr_svg(LINK, label="code K7Q2ZX")
    other = qr.qr_svg(LINK.replace("K7Q2ZX", "ZZZZZZ"))
    assert len({plain, labelled, other}) == 3
    assert 'aria-label="code K7Q2ZX"' in labelled and "ZZZZZZ" in other
    assert len(builds) == 3


def test_png_is_built_once_too(builds):
    assert qr.qr_png(LINK) == qr.qr_png(LINK)
    assert builds == [LINK]


def kept(link: str = LINK, *, pk: int = 7, label: str = "code K7Q2ZX", expires_at=None) -> str:
    expires_at = expires_at or timezone.now() + timedelta(minutes=10)
    return qr.kept_qr_svg(pk, link, label=label, expires_at=expires_at)


@pytest.fixture
def kept_for(monkeypatch):
    """The seconds each kept code was given in the shared cache, by key."""
    given = {}
    real_set = qr.cache.set

    def recording(key, value, timeout=None, *args, **kwargs):
        given[key] = timeout
        return real_set(key, value, timeout, *args, **kwargs)

    monkeypatch.setattr(qr.cache, "set", recording)
    return given


def test_a_code_another_worker_built_is_taken_from_the_shared_cache(builds):
    first = kept()
    assert builds == [LINK]
    # Another worker: its own per-process caches are empty, the shared cache is not.
    qr.qr_svg.cache_clear()
    assert kept() == first
    assert builds == [LINK]
    assert decode_svg(first) == [LINK] and 'aria-label="code K7Q2ZX"' in first
    cache.clear()  # the shared cache forgot it too: built again
    assert kept() == first
    assert builds == [LINK, LINK]


def test_a_code_the_caller_read_already_is_not_asked_for_again(builds, monkeypatch):
    first = kept()
    asked = []
    real_get = qr.cache.get
    monkeypatch.setattr(qr.cache, "get", lambda key, *a, **k: asked.append(key) or real_get(key))
    when = timezone.now() + timedelta(minutes=10)
    read = real_get(qr.kept_key(7))
    assert qr.kept_qr_svg(7, LINK, label="code K7Q2ZX", expires_at=when, kept=read) == first
    assert builds == [LINK] and asked == []  # taken as read, not built, not asked
    # Read and found absent: built, without asking again.
    assert qr.kept_qr_svg(7, LINK, label="code K7Q2ZX", expires_at=when, kept=None) == first
    assert builds == [LINK, LINK] and asked == []


def test_a_kept_code_lives_until_the_session_expires_and_never_longer(builds, kept_for):
    kept(expires_at=timezone.now() + timedelta(minutes=10))
    assert 590 <= kept_for[f"{qr.KEPT_PREFIX}7"] <= 600
    # Whatever the expiry says, no longer than Kapso's sessions live.
    kept(pk=8, expires_at=timezone.now() + timedelta(days=30))
    assert kept_for[f"{qr.KEPT_PREFIX}8"] == qr.LONGEST_KEPT_SECONDS


@pytest.mark.parametrize("expires_at", ["expired", "unknown"])
def test_an_expired_session_or_one_without_expiry_keeps_nothing(builds, kept_for, expires_at):
    when = timezone.now() - timedelta(seconds=5) if expires_at == "expired" else None
    svg = qr.kept_qr_svg(9, LINK, label="code", expires_at=when)
    assert decode_svg(svg) == [LINK]
    assert kept_for == {} and cache.get(f"{qr.KEPT_PREFIX}9") is None
    qr.kept_qr_svg(9, LINK, label="code", expires_at=when)
    assert builds == [LINK, LINK]  # built each time: nothing was kept


def test_a_new_link_or_label_for_the_same_session_is_built_afresh(builds):
    old = kept()
    renewed = kept(LINK.replace("K7Q2ZX", "ZZZZZZ"))
    assert decode_svg(renewed) == [LINK.replace("K7Q2ZX", "ZZZZZZ")] and renewed != old
    relabelled = kept(label="another label")
    assert 'aria-label="another label"' in relabelled
    assert len(builds) == 3


def test_forgotten_codes_are_gone_from_the_shared_cache(builds):
    kept(pk=7)
    kept(LINK.replace("K7Q2ZX", "OTHER1"), pk=8)
    qr.forget_kept_qr_svgs([7])
    assert cache.get(f"{qr.KEPT_PREFIX}7") is None
    assert cache.get(f"{qr.KEPT_PREFIX}8") is not None
    kept(pk=7)
    assert builds.count(LINK) == 2  # built again after the forgetting


def test_a_cache_outage_costs_the_build_never_the_page(builds, monkeypatch, caplog):
    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(qr.cache, "get", down)
    monkeypatch.setattr(qr.cache, "delete_many", down)
    assert decode_svg(kept()) == [LINK]
    qr.forget_kept_qr_svgs([7])  # logged, not raised: the erasure is already committed
    assert "QR cache unreachable" in caplog.text and LINK not in caplog.text


def test_an_empty_link_still_draws_a_code(builds):
    svg = qr.qr_svg("")
    assert ET.fromstring(svg).tag == "{http://www.w3.org/2000/svg}svg"


# --- bounded ----------------------------------------------------------------------------
def fill(function, count: int) -> None:
    for i in range(count):
        function(f"https://wa.me/15550001111?text=FILL{i}")


@pytest.mark.parametrize("function", ["qr_svg", "qr_png"])
def test_the_caches_are_bounded(cheap_builds, function):
    """Each per-process cache keeps the recent codes and forgets the oldest: after more
    than MOST_CODES_KEPT other links, the first one is built again."""
    make = getattr(qr, function)
    seen = cheap_builds
    make(LINK)
    make(LINK)
    assert len(seen) == 1  # remembered
    fill(make, 10)
    make(LINK)
    assert len(seen) == 11  # still remembered among a few others
    fill(make, MOST_CODES_KEPT + 1)
    before = len(seen)
    make(LINK)
    assert len(seen) == before + 1  # forgotten: the cache did not keep them all
    assert getattr(qr, function).cache_info().currsize <= MOST_CODES_KEPT
    # ... while the most recent ones are still kept.
    make("https://wa.me/15550001111?text=FILL" + str(MOST_CODES_KEPT))
    assert len(seen) == before + 1
