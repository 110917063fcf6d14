"""The door: `/activity/` (staff) and its CSV downloads. Thin: bind the form, ask
aggregates.py, hand present.py's rows and charts.py's drawings to the template."""

from __future__ import annotations

import csv

from django.contrib.admin.views.decorators import staff_member_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from sandbox.activity import present
from sandbox.activity.aggregates import Activity, activity
from sandbox.activity.charts import Series, stacked_bars
from sandbox.activity.forms import ActivityForm
from sandbox.admin_actions import csv_safe

TABLES = ("days", "agents", "people", "quota")
QUOTA_HEADER = ["day", "calls", "refusals", "waits"]


def _bound(request: HttpRequest) -> ActivityForm:
    return ActivityForm(request.GET or {"range": "30"})


@staff_member_required
@never_cache
@require_GET
def activity_page(request: HttpRequest) -> HttpResponse:
    form = _bound(request)
    context: dict = {"form": form}
    if form.is_valid():
        context.update(_figures(request, activity(form.scope())))
    return render(request, "activity/activity.html", context)


def _figures(request: HttpRequest, result: Activity) -> dict:
    labels = [f.label[5:] for f in result.days]  # MM-DD: the year is in the range above
    sessions_chart = stacked_bars(
        "chart-sessions",
        "Sessions per day, by what became of them",
        "Stacked bars per day: activated, expired unused, pending, failed at Kapso. "
        "The table below has every figure.",
        labels,
        [
            Series("activated", "bar-activated", [f.activated for f in result.days]),
            Series("expired unused", "bar-expired", [f.expired for f in result.days]),
            Series("pending", "bar-pending", [f.pending for f in result.days]),
            Series("failed at Kapso", "bar-failed", [f.failed for f in result.days]),
        ],
    )
    quota_chart = stacked_bars(
        "chart-quota",
        "Kapso quota use per day",
        "Stacked bars per day: calls made, refusals, waits. The table below has every figure.",
        [d.day.isoformat()[5:] for d in result.quota],
        [
            Series("calls", "bar-calls", [d.calls for d in result.quota]),
            Series("refusals", "bar-refusals", [d.refusals for d in result.quota]),
            Series("waits", "bar-waits", [d.waits for d in result.quota]),
        ],
    )
    agent_sort = request.GET.get("agent_sort", "-created")
    person_sort = request.GET.get("person_sort", "-created")
    return {
        "scope": result.scope,
        "totals": present.row(result.totals),
        "sessions_chart": sessions_chart,
        "quota_chart": quota_chart,
        "days": [present.row(f) for f in result.days],
        "quota": result.quota,
        "agents": [present.row(f) for f in present.sorted_figures(result.agents, agent_sort)],
        "people": [present.row(f) for f in present.sorted_figures(result.people, person_sort)],
        "agent_headers": _headers(request, "agent_sort", agent_sort),
        "person_headers": _headers(request, "person_sort", person_sort),
        "csv_query": request.GET.urlencode(),
    }


def _headers(request: HttpRequest, param: str, current: str) -> list[dict]:
    """Each column's header: the link that sorts by it (again: the other way) and aria-sort."""
    headers = []
    for key, label in present.COLUMNS:
        state = "descending" if current == f"-{key}" else "ascending" if current == key else ""
        query = request.GET.copy()
        query[param] = key if current == f"-{key}" else f"-{key}"
        headers.append({"label": label, "href": "?" + query.urlencode(), "state": state})
    return headers


@staff_member_required
@never_cache
@require_GET
def activity_csv(request: HttpRequest, table: str) -> HttpResponse:
    if table not in TABLES:
        raise Http404("No such table")
    form = _bound(request)
    if not form.is_valid():
        return render(request, "activity/activity.html", {"form": form}, status=400)
    result = activity(form.scope())
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    scope = result.scope
    name = f"activity-{table}-{scope.start}-{scope.end}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv.writer(response)
    if table == "quota":
        writer.writerow(QUOTA_HEADER)
        writer.writerows([d.day.isoformat(), d.calls, d.refusals, d.waits] for d in result.quota)
        return response
    writer.writerow(["day" if table == "days" else present.CSV_HEADER[0], *present.CSV_HEADER[1:]])
    rows = {"days": result.days, "agents": result.agents, "people": result.people}[table]
    for figures in [*rows, result.totals]:
        values = present.csv_row(figures)
        writer.writerow([csv_safe(str(values[0])), *values[1:]])
    return response
