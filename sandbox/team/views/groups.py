"""`/team/groups/`: tester groups for managers: make one, add testers, set its join link,
watch joins come in, print the link's QR code."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe

from sandbox.qr import qr_svg
from sandbox.team import groups, joining, roster
from sandbox.team.access import manager_page
from sandbox.team.group_forms import GroupAddForm, GroupForm, JoinLinkForm
from sandbox.team.matrix import team_agents
from sandbox.team.models import Tester, TesterGroup


def join_url(request: HttpRequest, group: TesterGroup) -> str:
    return request.build_absolute_uri(reverse("team:join", args=[group.join_secret]))


@manager_page("GET", "POST")
def group_list(request: HttpRequest) -> HttpResponse:
    form = GroupForm(request.POST or None, agents=team_agents())
    if request.method == "POST" and form.is_valid():
        group = groups.group_create(
            user=request.user, name=form.cleaned_data["name"], agent_ids=form.cleaned_data["agents"]
        )
        return redirect("team:group", pk=group.pk)
    return render(request, "team/groups.html", {"form": form, "groups": TesterGroup.objects.all()})


def _add_form(group: TesterGroup, data=None) -> GroupAddForm:
    return GroupAddForm(data, testers=Tester.objects.exclude(memberships__group=group))


def _page(request: HttpRequest, group: TesterGroup, **forms) -> HttpResponse:
    context = {
        "group": group,
        "state": groups.link_state(group),
        "agents": groups.group_agents(group),
        "feed": groups.group_feed(group),
        "join_url": join_url(request, group),
        "add_form": forms.get("add_form") or _add_form(group),
        "link_form": forms.get("link_form") or JoinLinkForm(instance=group),
        "report": forms.get("report"),
    }
    return render(request, "team/group.html", context, status=200 if not forms else 400)


@manager_page("GET")
def group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, get_object_or_404(TesterGroup, pk=pk))


@manager_page("POST")
def group_add(request: HttpRequest, pk: int) -> HttpResponse:
    group = get_object_or_404(TesterGroup, pk=pk)
    form = _add_form(group, request.POST)
    if not form.is_valid():
        return _page(request, group, add_form=form)
    testers = list(form.cleaned_data["testers"])
    pasted = (form.cleaned_data["pasted"] or "").strip()
    report = None
    if pasted:
        try:
            report = roster.roster_import(pasted)
        except roster.RosterTooLarge as exc:
            form.add_error("pasted", exc.message)
            return _page(request, group, add_form=form)
        testers += list(Tester.objects.filter(phone_number__in=report.phones))
    added = groups.group_add_testers(group, testers)
    if report and report.errors:
        form.add_error("pasted", "Some lines are wrong (below); the good ones were added.")
        return _page(request, group, add_form=form, report=report)
    messages.success(request, f"{added} testers added to {group.name}.")
    return redirect("team:group", pk=group.pk)


@manager_page("POST")
def group_remove(request: HttpRequest, pk: int, tester_pk: int) -> HttpResponse:
    group = get_object_or_404(TesterGroup, pk=pk)
    if groups.group_remove_tester(group, tester_pk):
        messages.success(request, "Taken out of the group (still in the roster).")
    return redirect("team:group", pk=group.pk)


@manager_page("POST")
def group_link(request: HttpRequest, pk: int) -> HttpResponse:
    group = get_object_or_404(TesterGroup, pk=pk)
    action = request.POST.get("action", "save")
    if action == "rotate":
        joining.rotate_link(group)
        messages.success(request, "New link made: the old one no longer works.")
    elif action == "close":
        joining.close_link(group)
        messages.success(request, "The join link is closed.")
    else:
        form = JoinLinkForm(request.POST, instance=group)
        if not form.is_valid():
            return _page(request, group, link_form=form)
        form.save()
        messages.success(request, "Join link saved.")
    return redirect("team:group", pk=group.pk)


@manager_page("GET")
def group_feed(request: HttpRequest, pk: int) -> JsonResponse:
    """Polled by the group page: who joined, when, activated or not."""
    group = get_object_or_404(TesterGroup, pk=pk)
    retry_in = groups.refresh_pending(group, request.user)
    payload = groups.feed_payload(group)
    payload["retry_in"] = retry_in
    return JsonResponse(payload)


@manager_page("GET")
def group_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    """One printable page: the join link's QR code, for a stand or a meeting room."""
    group = get_object_or_404(TesterGroup, pk=pk)
    url = join_url(request, group)
    return render(
        request,
        "team/group_sheet.html",
        {
            "group": group,
            "state": groups.link_state(group),
            "join_url": url,
            # qrcode's XML writer builds the SVG (text escaped) from a URL we reversed.
            "qr": mark_safe(qr_svg(url, label=f"QR code: join {group.name}")),  # noqa: S308
        },
    )
