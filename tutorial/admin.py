"""The admin's view of sandboxes: who owns them, how busy they are, and a reset."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import Sandbox
from .sandboxes import reset_sandboxes


@admin.register(Sandbox)
class SandboxAdmin(admin.ModelAdmin):
    list_display = ("id", "owner", "created", "last_active", "object_count")
    list_filter = ("created", "last_active")
    search_fields = ("session_key",)
    readonly_fields = ("session_key", "created", "last_active", "object_count", "version")
    exclude = ("state",)
    actions = ["reset_to_fresh_cluster"]

    @admin.display(description=_("owner session"), ordering="session_key")
    def owner(self, sandbox: Sandbox) -> str:
        return f"{sandbox.session_key[:12]}…"

    @admin.action(description=_("Reset to a fresh cluster"))
    def reset_to_fresh_cluster(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True))
        reset_sandboxes(ids)
        self.message_user(request, ngettext("%d sandbox was reset.", "%d sandboxes were reset.",
                                            len(ids)) % len(ids), messages.SUCCESS)

    def has_add_permission(self, request):
        return False
