"""`/team/testers/`: the roster. Import, add, edit, auto-renew, erase (managers only)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from sandbox.team import erasure, matrix_page, roster
from sandbox.team.access import manager_page
from sandbox.team.forms import AutoRenewForm, RosterImportForm, TesterForm
from sandbox.team.matrix import team_agents
from sandbox.team.models import AutoRenew, Tester

# A 10,000-line file with every line wrong is still one page: the rest are counted.
REPORT_LINES_SHOWN = 500


@manager_page("GET", "POST")
def tester_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[: matrix_page.Q_MAX]
    import_form = RosterImportForm()
    add_form = TesterForm()
    report = None
    status = 200
    if request.method == "POST" and request.POST.get("action") == "add":
        add_form = TesterForm(request.POST)
        if add_form.is_valid():
            tester = add_form.save()
            messages.success(request, f"{tester.name} added to the roster.")
            return redirect("team:testers")
    elif request.method == "POST":
        import_form = RosterImportForm(request.POST, request.FILES)
        if import_form.is_valid():
            try:
                upload = import_form.cleaned_data["file"]
                text = (
                    roster.decode(upload.read())
                    if upload is not None
                    else import_form.cleaned_data["pasted"]
                )
                report = roster.roster_import(text)
            except roster.RosterTooLarge as exc:
                import_form.add_error(None, exc.message)
    return render(
        request,
        "team/testers.html",
        {
            "q": q,
            "page": roster_page(q, request.GET.get("page")),
            "import_form": import_form,
            "add_form": add_form,
            "report": report,
            "errors_shown": report.errors[:REPORT_LINES_SHOWN] if report else [],
            "errors_hidden": max(0, len(report.errors) - REPORT_LINES_SHOWN) if report else 0,
        },
        status=status,
    )


def roster_page(q: str, number):
    """A page of the roster, found by name or phone (20,000 rows were 2.4 MB a page)."""
    testers = matrix_page.search(Tester.objects.select_related("account"), q)
    return Paginator(testers.order_by("name", "pk"), matrix_page.PAGE_SIZE).get_page(number)


@manager_page("GET", "POST")
def tester_detail(request: HttpRequest, pk: int) -> HttpResponse:
    tester = get_object_or_404(Tester, pk=pk)
    agents = team_agents()
    chosen = list(AutoRenew.objects.filter(tester=tester).values_list("agent_id", flat=True))
    form = TesterForm(instance=tester)
    auto_form = AutoRenewForm(agents=agents, initial={"agents": chosen})
    if request.method == "POST" and request.POST.get("action") == "auto_renew":
        auto_form = AutoRenewForm(request.POST, agents=agents)
        if auto_form.is_valid():
            wanted = set(auto_form.cleaned_data["agents"])
            AutoRenew.objects.filter(tester=tester).exclude(agent_id__in=wanted).delete()
            AutoRenew.objects.bulk_create(
                [AutoRenew(tester=tester, agent_id=a) for a in wanted], ignore_conflicts=True
            )
            messages.success(request, "Auto-renew saved.")
            return redirect("team:tester", pk=tester.pk)
    elif request.method == "POST":
        form = TesterForm(request.POST, instance=tester)
        if form.is_valid():
            form.save()
            messages.success(request, "Tester saved.")
            return redirect("team:tester", pk=tester.pk)
    return render(
        request,
        "team/tester.html",
        {"tester": tester, "form": form, "auto_form": auto_form},
    )


@manager_page("GET", "POST")
def tester_erase(request: HttpRequest, pk: int) -> HttpResponse:
    tester = get_object_or_404(Tester, pk=pk)
    if request.method == "POST":
        log = erasure.erase_tester(tester, by=request.user)
        messages.success(
            request,
            f"Erased: the tester, {log.sessions} sessions and {log.attempts} failed attempts "
            f"no longer hold their phone number. {erasure.KAPSO_KEEPS_A_COPY}",
        )
        return redirect("team:testers")
    return render(request, "team/erase.html", {"tester": tester})
