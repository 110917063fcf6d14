"""Admin actions on sessions: refresh from Kapso, export as CSV."""

from __future__ import annotations

import csv
import re
import time

from django.contrib import admin, messages
from django.http import HttpResponse
from django.utils import timezone

from sandbox.errors import KapsoError, KapsoRateLimitedError
from sandbox.gateway import with_rate_limit_waits
from sandbox.sessions import sandbox_session_refresh

CSV_COLUMNS = (
    ("kapso_id", lambda s: s.kapso_id),
    ("phone_number", lambda s: s.phone_number),
    ("agent", lambda s: s.agent.name),
    ("agent_id", lambda s: s.agent.kapso_id),
    ("status", lambda s: s.display_status),
    ("kapso_status", lambda s: s.status),
    ("activation_code", lambda s: s.activation_code),
    ("activation_link", lambda s: s.activation_link),
    ("created_by", lambda s: s.created_by.get_username() if s.created_by else ""),
    ("created_at", lambda s: s.created_at.isoformat()),
    ("activated_at", lambda s: s.activated_at.isoformat() if s.activated_at else ""),
    ("expires_at", lambda s: s.expires_at.isoformat() if s.expires_at else ""),
)
_PHONE = re.compile(r"^\+\d{7,15}$")


def csv_safe(value: str) -> str:
    """Defuse spreadsheet formulas: Kapso's text is untrusted and admins open CSVs in Excel."""
    if value[:1] in ("=", "+", "-", "@", "\t", "\r") and not _PHONE.match(value):
        return "'" + value
    return value


@admin.action(description="Export selected sessions as CSV")
def export_csv(modeladmin, request, queryset):
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="sandbox-sessions-{stamp}.csv"'
    writer = csv.writer(response)
    writer.writerow([name for name, _ in CSV_COLUMNS])
    for session in queryset.select_related("agent", "created_by").iterator(chunk_size=500):
        writer.writerow([csv_safe(str(get(session))) for _, get in CSV_COLUMNS])
    return response


# One admin request must end well before a proxy or gunicorn (30 s) gives up on it.
REFRESH_BUDGET_SECONDS = 20


# It writes sessions and spends the team's Kapso budget: view-only staff may not run it.
@admin.action(description="Refresh selected sessions from Kapso", permissions=["change"])
def refresh_from_kapso(modeladmin, request, queryset):
    done = failed = 0
    sessions = list(queryset.select_related("agent"))
    stop_at = time.monotonic() + REFRESH_BUDGET_SECONDS
    for session in sessions:
        if time.monotonic() > stop_at:
            modeladmin.message_user(
                request,
                f"Refreshed {done} of {len(sessions)} before the time ran out; select the "
                "rest again, or run `manage.py refresh_sessions`.",
                messages.WARNING,
            )
            return
        try:
            # Kapso's rate limit is waited out while the request's budget allows.
            with_rate_limit_waits(
                lambda s=session: sandbox_session_refresh(s), give_up_after=stop_at
            )
            done += 1
        except KapsoRateLimitedError as exc:
            modeladmin.message_user(
                request,
                f"Refreshed {done} of {len(sessions)}; {exc.message}",
                messages.WARNING,
            )
            return
        except KapsoError as exc:
            failed += 1
            last_error = exc.message
    if failed:
        modeladmin.message_user(
            request,
            f"Refreshed {done} of {len(sessions)}; {failed} failed (last: {last_error})",
            messages.WARNING,
        )
    else:
        modeladmin.message_user(request, f"Refreshed {done} session(s) from Kapso.")
