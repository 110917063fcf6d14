"""`/team/jobs/`: staff see whether a worker runs, what is queued, and every batch's state."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from sandbox.access import staff_required
from sandbox.team import onboarding
from sandbox.team.models import ErasureLog, OnboardingBatch, WorkerHeartbeat
from sandbox.team.workers import worker_status


@staff_required
@never_cache
@require_GET
def job_state(request: HttpRequest) -> HttpResponse:
    batches = [
        (batch, onboarding.batch_progress(batch))
        for batch in OnboardingBatch.objects.select_related("created_by")[:25]
    ]
    return render(
        request,
        "team/jobs.html",
        {
            "worker": worker_status(with_queue=True),
            "heartbeats": WorkerHeartbeat.objects.order_by("-seen_at")[:10],
            "batches": batches,
            "erasures": ErasureLog.objects.select_related("by")[:10],
            "retention_days": settings.SANDBOX_RETENTION_DAYS,
        },
    )
