"""`/team/`: the matrix, its live JSON, one-click create or renew, and renew-all."""

from __future__ import annotations

from django.contrib import messages
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotModified,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from sandbox.errors import USER_FACING_ERRORS
from sandbox.models import Agent
from sandbox.team import jobs, matrix, matrix_page, onboarding
from sandbox.team.access import (
    can_manage_team,
    groups_visible_to,
    manager_page,
    testers_visible_to,
)
from sandbox.team.forms import RenewExpiringForm
from sandbox.team.models import TesterGroup


def _group(request: HttpRequest) -> TesterGroup | None:
    """`?group=<pk>`: the matrix of one tester group (its testers, its agents)."""
    pk = request.GET.get("group", "")
    return groups_visible_to(request.user).filter(pk=pk).first() if pk.isdigit() else None


def _testers(request: HttpRequest, group: TesterGroup | None):
    testers = testers_visible_to(request.user)
    return testers if group is None else testers.filter(memberships__group=group)


def _agents(group: TesterGroup | None):
    agents = matrix.team_agents()
    return agents if group is None else [a for a in agents if a.kapso_id in group.agent_ids]


def _page(request: HttpRequest):
    """The page of testers asked for, the agents shown, and the page's rows of cells."""
    query = matrix_page.MatrixQuery.from_params(request.GET)
    group = _group(request)
    all_agents = _agents(group)
    agents = matrix_page.agents_shown(query, all_agents)
    page = matrix_page.testers_page(
        _testers(request, group),
        matrix.sessions_seen_by(request.user),
        query,
        agents,
    )
    return query, all_agents, agents, page


@never_cache
@require_GET
def team_matrix(request: HttpRequest) -> HttpResponse:
    query, all_agents, agents, page = _page(request)
    return render(
        request,
        "team/matrix.html",
        {
            "query": query,
            "all_agents": all_agents,
            "agents": agents,
            "states": matrix_page.STATE_CHOICES,
            "page": page,
            "rows": matrix.matrix_for(request.user, list(page.object_list), agents),
            "manager": can_manage_team(request.user),
            "renew_form": RenewExpiringForm(),
            "group": _group(request),
            "groups": groups_visible_to(request.user),
        },
    )


@never_cache
@require_GET
def matrix_json(request: HttpRequest) -> HttpResponse:
    """The page's cells, asked for every few seconds with the tag of the last answer:
    unchanged, the answer is an empty 304."""
    query = matrix_page.MatrixQuery.from_params(request.GET)
    group = _group(request)
    agents = matrix_page.agents_shown(query, _agents(group))
    testers = matrix_page.testers_on_page(
        _testers(request, group), matrix.sessions_seen_by(request.user), query, agents
    )
    rows = matrix.matrix_for(request.user, testers, agents)
    retry_in, asked = matrix.refresh_some(request.user, rows)
    if asked:  # Kapso had news for some cells: read them again
        rows = matrix.matrix_for(request.user, testers, agents)
    payload = matrix.payload(rows, retry_in=retry_in)
    tag = matrix_page.etag(payload)
    if request.headers.get("If-None-Match") == tag:
        response = HttpResponseNotModified()
    else:
        response = JsonResponse(payload)
    response["ETag"] = tag
    return response


@never_cache
@require_POST
def cell_action(request: HttpRequest) -> HttpResponse:
    """One click: a session for this tester and agent (a new one, or a renewal), now."""
    tester_pk, _, agent_pk = request.POST.get("cell", "").partition("-")
    if not (tester_pk.isdigit() and agent_pk.isdigit()):
        raise Http404("No such cell")
    tester = get_object_or_404(testers_visible_to(request.user), pk=tester_pk)
    agent = Agent.objects.filter(pk=agent_pk, listed=True).first()
    if agent is None:
        raise Http404("No such agent")
    try:
        outcome = matrix.cell_session(request.user, tester, agent)
    except USER_FACING_ERRORS as exc:
        messages.error(request, f"{tester.name} · {agent.name}: {exc.message}")
        return redirect("team:matrix")
    if not outcome.made:
        messages.info(request, f"{tester.name} already has a live session with {agent.name}.")
    else:
        messages.success(request, f"New session for {tester.name} with {agent.name}: scan it now.")
    return redirect(outcome.session.get_absolute_url())


@manager_page("POST")
def renew_expiring(request: HttpRequest) -> HttpResponse:
    form = RenewExpiringForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give a number of hours from 1 to 48.")
        return redirect("team:matrix")
    hours = form.cleaned_data["hours"]
    # Renew-all on a group's matrix renews the group's testers only.
    testers = _testers(request, _group(request))
    batch = onboarding.renew_batch_start(user=request.user, hours=hours, testers=testers)
    if batch is None:
        messages.info(request, f"Nothing on the team expires in the next {hours} hours.")
        return redirect("team:matrix")
    jobs.enqueue_batch(batch)
    return redirect("team:batch", pk=batch.pk)
