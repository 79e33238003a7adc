"""A learner's sandbox: one simulated cluster, owned by one browser session."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cluster_engine.state import SandboxState


def fresh_state_json() -> str:
    """A new machine with minikube installed and no cluster; each sandbox draws its own names."""
    return SandboxState.fresh(seed=secrets.randbits(63)).to_json()


class Sandbox(models.Model):
    session_key = models.CharField(_("owner session"), max_length=40, unique=True)
    state = models.TextField(default=fresh_state_json)
    version = models.PositiveBigIntegerField(default=1)
    object_count = models.PositiveIntegerField(_("objects"), default=0)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    last_active = models.DateTimeField(_("last active"), default=timezone.now)

    class Meta:
        verbose_name = _("sandbox")
        verbose_name_plural = _("sandboxes")
        ordering = ["-last_active"]

    def __str__(self) -> str:
        return f"sandbox {self.pk} ({self.session_key[:8]}…)"

    def group_name(self) -> str:
        return sandbox_group(self.pk)


def sandbox_group(sandbox_id: int) -> str:
    """The channel-layer group of every terminal connected to one sandbox."""
    return f"sandbox-{sandbox_id}"


class Progress(models.Model):
    """The steps of one module a learner has passed, and the commands they ran in it.

    The learner is the logged-in user when there is one (progress follows them across devices),
    otherwise the anonymous browser session. The command lines are kept, a bounded number, because
    a step may ask that a command was run as well as that the cluster looks a certain way.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), null=True, blank=True,
                             on_delete=models.CASCADE)
    session_key = models.CharField(_("session"), max_length=40, blank=True)
    module = models.SlugField(_("module"), max_length=64)
    passed_steps = models.JSONField(_("passed steps"), default=list)
    commands = models.JSONField(default=list)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("progress")
        verbose_name_plural = _("progress")
        constraints = [
            models.UniqueConstraint(fields=["user", "module"], condition=models.Q(user__isnull=False),
                                    name="progress_one_per_user_and_module"),
            models.UniqueConstraint(fields=["session_key", "module"], condition=models.Q(user__isnull=True),
                                    name="progress_one_per_session_and_module"),
        ]

    def __str__(self) -> str:
        return f"{self.module}: {len(self.passed_steps)} steps"
