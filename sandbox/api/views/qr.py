"""A session's QR code: SVG and PNG as on its page, and text for a terminal or a CI log."""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from sandbox.api.textqr import qr_text
from sandbox.api.views.common import only_query, visible_session
from sandbox.api.views.problem_codes import problem_responses
from sandbox.presenters import qr_label
from sandbox.qr import qr_png, qr_svg

router = Router(tags=["sessions"])

# The content each answers with (the schema says so too: api.py).
CONTENT_TYPES = {
    "session_qr_svg": "image/svg+xml",
    "session_qr_png": "image/png",
    "session_qr_txt": "text/plain; charset=utf-8",
}


@router.get(
    "/{int:session_id}/qr.svg",
    response={200: None, **problem_responses("session_qr_svg")},
    url_name="session_qr_svg",
    operation_id="session_qr_svg",
    summary="The QR code of the activation link, as SVG",
)
def session_qr_svg(request: HttpRequest, session_id: int):
    only_query(request)
    session = visible_session(request, session_id)
    svg = '<?xml version="1.0" encoding="UTF-8"?>\n' + qr_svg(
        session.activation_link, label=qr_label(session)
    )
    return _file(svg.encode(), "session_qr_svg", session, "svg")


@router.get(
    "/{int:session_id}/qr.png",
    response={200: None, **problem_responses("session_qr_png")},
    url_name="session_qr_png",
    operation_id="session_qr_png",
    summary="The QR code of the activation link, as PNG",
)
def session_qr_png(request: HttpRequest, session_id: int):
    only_query(request)
    session = visible_session(request, session_id)
    return _file(qr_png(session.activation_link), "session_qr_png", session, "png")


@router.get(
    "/{int:session_id}/qr.txt",
    response={200: None, **problem_responses("session_qr_txt")},
    url_name="session_qr_txt",
    operation_id="session_qr_txt",
    summary="The QR code drawn in text, to print in a terminal or a CI log and scan",
    description="Drawn for a dark background (terminals, GitHub's CI log) unless "
    "`background=light`. Only the code: print `activation_link` beside it for people "
    "who cannot scan.",
)
def session_qr_txt(
    request: HttpRequest,
    session_id: int,
    background: Query[Literal["dark", "light"]] = "dark",
):
    only_query(request, "background")
    session = visible_session(request, session_id)
    text = qr_text(session.activation_link, background=background)
    return _file(text.encode(), "session_qr_txt", session, "txt")


def _file(body: bytes, operation: str, session, extension: str) -> HttpResponse:
    answer = HttpResponse(body, content_type=CONTENT_TYPES[operation])
    code = "".join(ch for ch in session.activation_code if ch.isalnum())[:16]
    name = f"kapso-sandbox-{code or session.pk}.{extension}"
    answer["Content-Disposition"] = f'inline; filename="{name}"'
    # A phone number's activation code: kept by no cache.
    answer["Cache-Control"] = "no-store"
    return answer
