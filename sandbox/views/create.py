"""The create form (`/`), and renew: both ask Kapso for a session through the services."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from sandbox import agents, ensure, sessions
from sandbox.access import sessions_visible_to
from sandbox.errors import USER_FACING_ERRORS, KapsoBudgetUnavailable
from sandbox.forms import SandboxSessionForm
from sandbox.gateway import person, watcher
from sandbox.models import Origin

RECENT_SESSIONS = 5


# Pages that show phone numbers and codes are kept by no proxy and no back button.
@never_cache
@require_http_methods(["GET", "POST"])
def session_create(request: HttpRequest) -> HttpResponse:
    reload_agents = request.POST.get("action") == "reload_agents"
    choices = agents.agent_choices(caller=watcher(request.user), force_refresh=reload_agents)
    if reload_agents:
        # The reload button sits in the create form so what was typed survives it.
        if choices.reloaded:
            messages.success(request, f"Agent list reloaded from Kapso ({len(choices.agents)}).")
        elif choices.error is None:
            messages.info(request, "The agent list was reloaded a moment ago; here it is.")
        form = SandboxSessionForm(initial=request.POST.dict(), agents=choices.agents)
    else:
        form = SandboxSessionForm(request.POST or None, agents=choices.agents)
    status = 200
    if request.method == "POST" and not reload_agents and form.is_valid():
        try:
            # A live session for the pair that this person may see is shown, not made again.
            outcome = ensure.live_or_create(
                user=request.user,
                sessions=sessions_visible_to(request.user),
                origin=Origin.FORM,
                caller=person(request.user),
                **form.cleaned_data,
            )
        except USER_FACING_ERRORS as exc:
            form.add_error(None, exc.message)
            # The limits cannot be checked: an outage, said with the form and what was typed.
            status = 503 if isinstance(exc, KapsoBudgetUnavailable) else 200
        else:
            say_how(request, outcome)
            return redirect(outcome.session)
    # Theirs, and the live sessions of the testers linked to them (access.py).
    recent = sessions_visible_to(request.user)
    return render(
        request,
        "sandbox/create.html",
        {
            "form": form,
            "agent_error": choices.error,
            "agent_outage": choices.outage,
            "recent_sessions": recent[:RECENT_SESSIONS],
        },
        status=status,
    )


@require_POST
def session_renew(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(sessions_visible_to(request.user), pk=pk)
    try:
        outcome = sessions.sandbox_session_renew(session=session, user=request.user)
    except USER_FACING_ERRORS as exc:
        messages.error(request, f"Could not renew: {exc.message}")
        return redirect(session)
    if outcome.how == "created":
        messages.success(request, "New session created for the same phone and agent.")
    say_how(request, outcome)
    return redirect(outcome.session)


def say_how(request: HttpRequest, outcome: sessions.CreateOutcome | ensure.Ensured) -> None:
    if outcome.how == "adopted":
        messages.warning(
            request,
            "Kapso's answer was lost on the way, but Kapso had made the session: here it is.",
        )
    elif outcome.how == "duplicate":
        messages.info(request, "You asked for this a moment ago; here is that session.")
    elif outcome.how == "reused":
        messages.info(request, "This phone already has a live session with this agent: here it is.")
