"""The team's data in the admin: the roster, batches with their pairs, what was erased."""

from __future__ import annotations

from django.contrib import admin, messages

from sandbox.team import erasure
from sandbox.team.forms import TesterForm
from sandbox.team.models import (
    AutoRenew,
    ErasedKapsoSession,
    ErasureLog,
    GroupMember,
    OnboardingBatch,
    OnboardingPair,
    Reminder,
    Tester,
    TesterGroup,
    WorkerHeartbeat,
)


class AutoRenewInline(admin.TabularInline):
    model = AutoRenew
    extra = 0


@admin.register(Tester)
class TesterAdmin(admin.ModelAdmin):
    list_display = ["name", "phone_number", "email", "account", "created_at"]
    search_fields = ["name", "phone_number", "email"]
    inlines = [AutoRenewInline]
    actions = ["erase"]
    # The roster's form: the phone is stored in E.164 as everywhere else, so erasure (which
    # looks numbers up as E.164) finds it. Django's default form saved it as typed.
    form = TesterForm

    @admin.action(description="Erase selected testers everywhere (phone, e-mail, sessions)")
    def erase(self, request, queryset) -> None:
        logs = [erasure.erase_tester(t, by=request.user, door="the admin") for t in queryset]
        self.message_user(
            request,
            f"Erased {len(logs)} testers from {sum(log.sessions for log in logs)} sessions and "
            f"{sum(log.attempts for log in logs)} failed attempts. {erasure.KAPSO_KEEPS_A_COPY}",
            messages.SUCCESS,
        )

    # The plain delete (one tester, or "Delete selected") is an erasure too: a bare row
    # delete would leave the phone in every session, attempt, reminder and log entry.
    def delete_model(self, request, obj) -> None:
        erasure.erase_tester(obj, by=request.user, door="the admin's delete")

    def delete_queryset(self, request, queryset) -> None:
        for tester in queryset:
            erasure.erase_tester(tester, by=request.user, door="the admin's delete")

    def log_deletions(self, request, queryset) -> None:
        """The erasure log records it, without the name and phone a LogEntry would keep."""

    def response_delete(self, request, obj_display, obj_id):
        # Django's message would repeat "Name (+phone)" into the next page's cookie.
        return super().response_delete(request, f"#{obj_id} (erased everywhere)", obj_id)


class PairInline(admin.TabularInline):
    model = OnboardingPair
    extra = 0
    can_delete = False
    fields = ["tester", "agent_id", "state", "session", "error", "attempts", "updated_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(OnboardingBatch)
class OnboardingBatchAdmin(admin.ModelAdmin):
    list_display = ["__str__", "created_by", "created_at", "finished_at", "waiting_until"]
    list_filter = ["kind"]
    readonly_fields = [
        "kind",
        "created_by",
        "created_at",
        "started_at",
        "finished_at",
        "last_progress_at",
        "waiting_until",
        "enqueued_at",
    ]
    inlines = [PairInline]


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["session", "kind", "recipient", "sent_at", "used_at"]
    list_filter = ["kind"]
    readonly_fields = ["session", "kind", "recipient", "sent_at", "used_at", "renewed_to"]
    exclude = ["nonce"]


@admin.register(ErasureLog)
class ErasureLogAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "by", "sessions", "attempts"]
    list_filter = ["kind"]
    readonly_fields = ["kind", "at", "by", "sessions", "attempts", "detail"]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(ErasedKapsoSession)
class ErasedKapsoSessionAdmin(admin.ModelAdmin):
    list_display = ["kapso_id", "erased_at"]
    search_fields = ["kapso_id"]


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ["name", "seen_at"]


class GroupMemberInline(admin.TabularInline):
    model = GroupMember
    extra = 0
    raw_id_fields = ["tester", "session"]


@admin.register(TesterGroup)
class TesterGroupAdmin(admin.ModelAdmin):
    """The pages at /team/groups/ are where groups are run; this is for a look or a fix."""

    list_display = ["name", "join_enabled", "joined_count", "join_cap", "join_ends_at"]
    # The link's secret is shown on the group's page to those who share it, not here.
    exclude = ["join_secret"]
    # Kept by the join link's conditional UPDATE: an edit here would break the cap.
    readonly_fields = ["joined_count"]
    inlines = [GroupMemberInline]

    def save_model(self, request, obj, form, change):
        if not change:
            return super().save_model(request, obj, form, change)
        # Only what was edited: the row as loaded would undo joins or a rotation since.
        obj.save(update_fields=form.changed_data)
        return None
