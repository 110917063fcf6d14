"""The session history for admins: everything Kapso said, read-only, with a QR preview."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.html import format_html

from sandbox import privacy
from sandbox.admin_actions import export_csv, refresh_from_kapso
from sandbox.history import filter_by_status, status_choices
from sandbox.models import KAPSO_SESSION_FIELDS, Agent, FailedSessionAttempt, SandboxSession
from sandbox.presenters import inline_qr


class ShownStatusFilter(admin.SimpleListFilter):
    """Filters on the status as shown: a session past its expiry counts as expired."""

    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return status_choices(model_admin.get_queryset(request))

    def queryset(self, request, queryset):
        return filter_by_status(queryset, self.value() or "")


# Shown, never edited here, so the history stays what Kapso said and what happened.
SESSION_FIELDS = (
    "kapso_id",
    "requested_agent_id",
    *KAPSO_SESSION_FIELDS,
    "created_by",
    "created_at",
    "updated_at",
    "last_synced_at",
    "last_sync_error",
    "renewed_from",
)


@admin.register(SandboxSession)
class SandboxSessionAdmin(admin.ModelAdmin):
    list_display = (
        "phone_number",
        "agent",
        "shown_status",
        "created_by",
        "made_by",
        "created_at",
        "expires_at",
    )
    list_filter = (ShownStatusFilter, "agent", "created_by", "created_at")
    search_fields = ("phone_number", "activation_code", "kapso_id")
    date_hierarchy = "created_at"
    list_select_related = ("agent", "created_by", "api_origin")
    readonly_fields = ("qr_preview", *SESSION_FIELDS, "made_by", "shared")
    fields = readonly_fields
    list_per_page = 50

    class Media:
        # A stylesheet, not a style attribute: the Content-Security-Policy allows no inline CSS.
        css = {"all": ("css/admin.css",)}

    actions = (refresh_from_kapso, export_csv)

    @admin.display(description="status", ordering="status")
    def shown_status(self, obj: SandboxSession) -> str:
        return obj.status_label

    @admin.display(description="made by", ordering="origin")
    def made_by(self, obj: SandboxSession) -> str:
        # Which API token made it lives in the API app (sandbox/api/models.py); a session
        # without one has no `api_origin` (getattr's default: the miss is an AttributeError).
        api = getattr(obj, "api_origin", None)
        return f"API, token “{api.token_name}”" if api else obj.get_origin_display()

    @admin.display(description="share link active", boolean=True)
    def shared(self, obj: SandboxSession) -> bool:
        return bool(obj.share_nonce)

    @admin.display(description="QR code")
    def qr_preview(self, obj: SandboxSession) -> str:
        if not obj.activation_link:
            return "—"
        # The page's own code (inline_qr): kept once for the admin and the page alike.
        return format_html('<div class="qr-preview">{}</div>', inline_qr(obj))

    def has_add_permission(self, request) -> bool:
        return False  # sessions come from Kapso, through the dashboard or a sync


@admin.register(Agent)
class AgentAdmin(admin.ModelAdmin):
    list_display = ("name", "kapso_id", "project_id", "listed", "synced_at")
    list_filter = ("listed",)
    search_fields = ("name", "kapso_id", "description")
    readonly_fields = (
        "kapso_id",
        "name",
        "description",
        "project_id",
        "kapso_created_at",
        "kapso_updated_at",
        "listed",
        "synced_at",
    )

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(FailedSessionAttempt)
class FailedSessionAttemptAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "created_by",
        "phone_number",
        "agent_id",
        "error_kind",
        "http_status",
    )
    list_filter = ("error_kind", "created_by", "created_at")
    search_fields = ("phone_number", "agent_id", "error_message")
    date_hierarchy = "created_at"
    readonly_fields = (
        "created_at",
        "created_by",
        "phone_number",
        "agent_id",
        "error_kind",
        "error_message",
        "http_status",
    )

    def has_add_permission(self, request) -> bool:
        return False


class ErasingUserAdmin(UserAdmin):
    """Deleting an account (one, or "Delete selected") is an erasure: a bare row delete
    would leave invitations to their address, the admin's history naming them, a linked
    tester. The row goes last, inside `privacy.erase`."""

    def delete_model(self, request, obj) -> None:
        privacy.erase(privacy.Person(user_ids={obj.pk}), by=request.user, door=ADMIN_DELETE)

    def delete_queryset(self, request, queryset) -> None:
        for user in queryset:
            privacy.erase(privacy.Person(user_ids={user.pk}), by=request.user, door=ADMIN_DELETE)

    def get_deleted_objects(self, objs, request):
        # Erasing an account takes its API tokens (which the token admin never deletes: they
        # are revoked there) and the rest of what names it: the one permission it needs is
        # deleting users, checked before this.
        deleted, counts, _, protected = super().get_deleted_objects(objs, request)
        return deleted, counts, set(), protected

    def log_deletions(self, request, queryset) -> None:
        """The erasure log records it, without the user name a LogEntry would keep."""

    def response_delete(self, request, obj_display, obj_id):
        # Django's message would repeat the user name into the next page's cookie.
        return super().response_delete(request, f"#{obj_id} (erased everywhere)", obj_id)


ADMIN_DELETE = "the admin's delete"
admin.site.unregister(get_user_model())
admin.site.register(get_user_model(), ErasingUserAdmin)
