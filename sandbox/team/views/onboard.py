"""`/onboard/`: start a bulk onboarding, watch its progress, retry what failed."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render

from sandbox.models import Agent
from sandbox.team import groups, jobs, onboarding, roster
from sandbox.team.access import batches_visible_to, manager_page
from sandbox.team.forms import OnboardForm
from sandbox.team.matrix import team_agents
from sandbox.team.models import OnboardingBatch, PairState, Tester, TesterGroup
from sandbox.team.workers import worker_status

FAILURES_SHOWN = 200


@manager_page("GET", "POST")
def onboard(request: HttpRequest) -> HttpResponse:
    agents = team_agents()
    form = OnboardForm(
        request.POST or None,
        testers=Tester.objects.all(),
        agents=agents,
        initial=_group_selection(request),
    )
    report = None
    if request.method == "POST" and form.is_valid():
        testers = list(form.cleaned_data["testers"])
        pasted = (form.cleaned_data["pasted"] or "").strip()
        try:
            if pasted:
                report = roster.roster_import(pasted)
                testers += list(Tester.objects.filter(phone_number__in=report.phones))
        except roster.RosterTooLarge as exc:
            form.add_error("pasted", exc.message)
        if form.is_valid() and not (report and report.errors):
            batch = onboarding.batch_start(
                user=request.user,
                testers=list(dict.fromkeys(testers)),
                agent_ids=form.cleaned_data["agents"],
            )
            jobs.enqueue_batch(batch)
            return redirect("team:batch", pk=batch.pk)
        if report and report.errors:
            # The good lines are in the roster already: tick them and fix the rest.
            form.add_error("pasted", "Some lines are wrong (below); the good ones were added.")
    return render(
        request,
        "team/onboard.html",
        {
            "form": form,
            "report": report,
            "recent": batches_visible_to(request.user)[:10],
            "groups": TesterGroup.objects.all(),
        },
    )


def _group_selection(request: HttpRequest) -> dict:
    """`?group=<pk>`: the form comes with the group's testers and agents ticked."""
    pk = request.GET.get("group", "")
    group = TesterGroup.objects.filter(pk=pk).first() if pk.isdigit() else None
    if group is None:
        return {}
    return {"testers": list(groups.group_testers(group)), "agents": group.agent_ids}


def _progress(batch: OnboardingBatch) -> dict:
    progress = onboarding.batch_progress(batch)
    worker = worker_status()
    agents = dict(Agent.objects.values_list("kapso_id", "name"))
    failures = [
        {
            "tester": pair.tester.name if pair.tester else "(erased)",
            "agent": agents.get(pair.agent_id, pair.agent_id),
            "error": pair.error,
        }
        for pair in batch.pairs.filter(state=PairState.FAILED).select_related("tester")[
            :FAILURES_SHOWN
        ]
    ]
    if progress.finished:
        state = "Finished"
    elif not worker.alive:
        state = (
            "Waiting for a worker: no job worker has been seen running. Start one with "
            "`manage.py team_worker` (make run starts one)."
        )
    elif progress.waiting_seconds:
        state = (
            f"Waiting for quota, {progress.waiting_seconds} s: the Kapso budget keeps the "
            "rest of this minute for people at the form."
        )
    elif progress.working or batch.started_at:
        state = "Working"
    else:
        state = "Queued"
    return {
        "total": progress.total,
        "done": progress.done,
        "created": progress.created,
        "reused": progress.reused,
        "failed": progress.failed,
        "pending": progress.pending + progress.working,
        "percent": progress.percent,
        "waiting_seconds": progress.waiting_seconds,
        "finished": progress.finished,
        "worker_alive": worker.alive,
        "state": state,
        "failures": failures,
    }


@manager_page("GET")
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(batches_visible_to(request.user), pk=pk)
    return render(request, "team/batch.html", {"batch": batch, "p": _progress(batch)})


@manager_page("GET")
def batch_progress(request: HttpRequest, pk: int) -> JsonResponse:
    batch = get_object_or_404(batches_visible_to(request.user), pk=pk)
    return JsonResponse(_progress(batch))


@manager_page("POST")
def batch_retry(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(batches_visible_to(request.user), pk=pk)
    count = onboarding.retry_failed(batch)
    if count:
        jobs.enqueue_batch(batch)
        messages.success(
            request, f"Retrying {count} failed pairs; the others are left as they are."
        )
    else:
        messages.info(request, "Nothing failed: nothing to retry.")
    return redirect("team:batch", pk=batch.pk)
