"""`/team/`: the matrix, its live JSON, one-click create or renew, and renew-all."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from sandbox.errors import USER_FACING_ERRORS
from sandbox.models import Agent
from sandbox.sessions import sandbox_session_create
from sandbox.team import groups, jobs, matrix, onboarding
from sandbox.team.access import can_manage_team, manager_page, testers_visible_to
from sandbox.team.forms import RenewExpiringForm
from sandbox.team.models import TesterGroup


def _group(request: HttpRequest) -> TesterGroup | None:
    """`?group=<pk>`: the matrix of one tester group (its testers, its agents)."""
    pk = request.GET.get("group", "")
    return TesterGroup.objects.filter(pk=pk).first() if pk.isdigit() else None


def _rows(request: HttpRequest, agents=None, group: TesterGroup | None = None):
    testers = testers_visible_to(request.user)
    if group is not None:
        testers = testers.filter(memberships__group=group)
        agents = agents or groups.group_agents(group)
    return matrix.matrix_for(request.user, list(testers), agents or matrix.team_agents())


@never_cache
@require_GET
def team_matrix(request: HttpRequest) -> HttpResponse:
    group = _group(request)
    agents = groups.group_agents(group) if group else matrix.team_agents()
    return render(
        request,
        "team/matrix.html",
        {
            "agents": agents,
            "rows": _rows(request, agents, group),
            "manager": can_manage_team(request.user),
            "renew_form": RenewExpiringForm(),
            "group": group,
            "groups": TesterGroup.objects.all() if can_manage_team(request.user) else [],
        },
    )


@never_cache
@require_GET
def matrix_json(request: HttpRequest) -> JsonResponse:
    """The whole matrix in one answer: the page asks for this every few seconds."""
    group = _group(request)
    rows = _rows(request, group=group)
    retry_in, asked = matrix.refresh_some(request.user, rows)
    if asked:  # Kapso had news for some cells: read them again
        rows = _rows(request, group=group)
    return JsonResponse(matrix.payload(rows, retry_in=retry_in))


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
    rows = matrix.matrix_for(request.user, [tester], [agent])
    cell = rows[0][0]
    try:
        outcome = sandbox_session_create(
            user=request.user,
            phone_number=tester.phone_number,
            agent_id=agent.kapso_id,
            renewed_from=cell.session,
        )
    except USER_FACING_ERRORS as exc:
        messages.error(request, f"{tester.name} · {agent.name}: {exc.message}")
        return redirect("team:matrix")
    messages.success(request, f"New session for {tester.name} with {agent.name}: scan it now.")
    return redirect(outcome.session.get_absolute_url())


@manager_page("POST")
def renew_expiring(request: HttpRequest) -> HttpResponse:
    form = RenewExpiringForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give a number of hours from 1 to 48.")
        return redirect("team:matrix")
    hours = form.cleaned_data["hours"]
    testers = testers_visible_to(request.user)
    group = _group(request)  # renew-all on the group's matrix: its testers only
    if group is not None:
        testers = testers.filter(memberships__group=group)
    batch = onboarding.renew_batch_start(user=request.user, hours=hours, testers=testers)
    if batch is None:
        messages.info(request, f"Nothing on the team expires in the next {hours} hours.")
        return redirect("team:matrix")
    jobs.enqueue_batch(batch)
    return redirect("team:batch", pk=batch.pk)
