"""``kubectl edit``: there is no editor to open in this terminal.

kubectl fetches the objects, writes them to a temporary file and runs ``$KUBE_EDITOR``,
``$EDITOR`` or ``vi`` on it. The sandbox's terminal has no full-screen editor (``vi`` and
``nano`` only explain that), so after the same argument checks and lookups kubectl reports the
editor's failure in its own words, ``there was a problem with the editor "vi"``, followed by
how to make the same change here: ``kubectl apply -f`` with a here-document.
"""

from __future__ import annotations

from .app import KubectlError, connect, implement
from .cobra import Invocation
from .from_files import manifests_named, targets_named

DEFAULT_EDITOR = "vi"
NO_EDITOR_HINT = ("this terminal has no text editor; change the object by applying its new "
                  "version, e.g. kubectl get {target} -o yaml, then kubectl apply -f - <<EOF")


def editor_of(env) -> str:
    """The editor kubectl would start, as it chooses it."""
    return env.get("KUBE_EDITOR") or env.get("EDITOR") or DEFAULT_EDITOR


@implement("edit")
def run_edit(invocation: Invocation) -> int:
    manifests = manifests_named(invocation)
    errors: list[str] = []
    with invocation.ctx.sandbox.transaction() as cluster:
        connect(invocation, cluster)
        targets = targets_named(invocation, cluster, manifests, errors, None)
    if errors:
        invocation.stderr.write("".join(error + "\n" for error in errors))
        return 1
    if not targets:
        raise KubectlError("edit cancelled, no objects found")
    first = targets[0]
    target = f"{first.rt.kind_prefix}/{first.obj['metadata']['name']}"
    editor = editor_of(invocation.ctx.env)
    raise KubectlError(f'there was a problem with the editor "{editor}": '
                       + NO_EDITOR_HINT.format(target=target))
