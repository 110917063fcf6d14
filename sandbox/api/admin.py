"""Staff see everyone's API tokens and revoke them; nobody sees a secret (none is kept)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import Q
from django.utils import timezone

from sandbox.api.models import ApiToken
from sandbox.api.tokens import token_revoke


@admin.action(description="Revoke selected tokens")
def revoke_tokens(modeladmin, request, queryset) -> None:
    revoked = sum(token_revoke(token) for token in queryset)
    messages.success(request, f"{revoked} token(s) revoked; they no longer open anything.")


class StateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("active", "Active"), ("expired", "Expired"), ("revoked", "Revoked")]

    def queryset(self, request, queryset):
        lapsed = Q(expires_at__lte=timezone.now())
        if self.value() == "revoked":
            return queryset.filter(revoked_at__isnull=False)
        if self.value() == "expired":
            return queryset.filter(lapsed, revoked_at__isnull=True)
        if self.value() == "active":
            return queryset.filter(revoked_at__isnull=True).exclude(lapsed)
        return queryset


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "user",
        "hint",
        "access",
        "state",
        "created_at",
        "expires_at",
        "last_used_at",
    )
    list_filter = (StateFilter, "access", "user")
    search_fields = ("name", "user__username", "hint")
    list_select_related = ("user",)
    readonly_fields = (
        "user",
        "name",
        "hint",
        "access",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    )
    fields = readonly_fields
    actions = (revoke_tokens,)

    @admin.display(description="state")
    def state(self, obj: ApiToken) -> str:
        return obj.state

    def has_add_permission(self, request) -> bool:
        return False  # made by their owners on /settings/tokens/, the only ones to see the secret

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # revoked, not deleted: the sessions a token made still name it
