"""The admin's view of sandboxes (who owns them, how busy they are, and a reset) and of
learners' progress through the modules."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import Progress, Sandbox
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


@admin.register(Progress)
class ProgressAdmin(admin.ModelAdmin):
    list_display = ("module", "learner", "steps_passed", "updated")
    list_filter = ("module", "updated")
    search_fields = ("session_key", "user__username")
    readonly_fields = ("user", "session_key", "module", "passed_steps", "updated")
    exclude = ("commands",)

    @admin.display(description=_("learner"))
    def learner(self, progress: Progress) -> str:
        return str(progress.user) if progress.user_id else f"{progress.session_key[:12]}…"

    @admin.display(description=_("passed steps"))
    def steps_passed(self, progress: Progress) -> int:
        return len(progress.passed_steps)

    def has_add_permission(self, request):
        return False
