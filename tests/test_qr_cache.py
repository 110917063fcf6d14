"""The QR code of a link is built once per process, not on every page view."""

from __future__ import annotations

import inspect

import pytest

from sandbox import qr

LINK = "https://wa.me/15550001111?text=K7Q2ZX"


@pytest.fixture
def builds(monkeypatch):
    """Counts real QR builds, starting from empty caches."""
    qr.qr_svg.cache_clear()
    qr.qr_png.cache_clear()
    made = []
    real = qr._code

    def counting(data, *args, **kwargs):
        made.append(data)
        return real(data, *args, **kwargs)

    monkeypatch.setattr(qr, "_code", counting)
    yield made
    qr.qr_svg.cache_clear()
    qr.qr_png.cache_clear()


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


def test_the_caches_are_bounded():
    assert qr.qr_svg.cache_info().maxsize == qr.SVG_CACHE_SIZE <= 1024
    assert qr.qr_png.cache_info().maxsize == qr.PNG_CACHE_SIZE <= 1024


def test_public_signatures_are_unchanged():
    assert str(inspect.signature(qr.qr_svg)) == "(data: 'str', *, label: 'str' = '') -> 'str'"
    assert str(inspect.signature(qr.qr_png)) == "(data: 'str') -> 'bytes'"
