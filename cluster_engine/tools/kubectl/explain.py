"""``kubectl explain``: the argument checks, and the answer of an API server without schemas.

kubectl explain resolves the resource through discovery (every type a minikube v1.32 serves,
see ``api_resources``), prints the KIND/VERSION header, and then looks the kind up among the
component schemas of the server's OpenAPI v3 documents. The simulated API server publishes
OpenAPI documents without component schemas (``api/openapi.py``), so the real kubectl v1.32
ends there with ``error: GVK map[...] not found in OpenAPI schema``, and so does this one. A
missing argument, an unknown type and an unreachable cluster get kubectl's own messages.
"""

from __future__ import annotations

from .api_resources import API_RESOURCES, ApiResource
from .app import KubectlError, connect, implement
from .cobra import Invocation

NO_TYPE_MESSAGE = ('You must specify the type of resource to explain. Use "kubectl '
                   'api-resources" for a complete list of supported resources.')


def _resource(name: str) -> ApiResource | None:
    name = name.lower()
    return next((entry for entry in API_RESOURCES
                 if name in (entry.name, entry.kind.lower(), *entry.short_names)), None)


@implement("explain")
def run_explain(invocation: Invocation) -> int:
    if not invocation.args:
        raise KubectlError(NO_TYPE_MESSAGE)
    if len(invocation.args) > 1:
        raise KubectlError("We accept only this format: explain RESOURCE")
    with invocation.ctx.sandbox.transaction() as cluster:
        connect(invocation, cluster, discovery_attempts=2)
    type_name = invocation.args[0].split(".")[0]
    resource = _resource(type_name)
    if resource is None:
        invocation.stderr.write(f'the server doesn\'t have a resource type "{type_name}"\n')
        return 1
    group, _, version = resource.group_version.rpartition("/")
    header = f"GROUP:      {group}\n" if group else ""
    invocation.stdout.write(f"{header}KIND:       {resource.kind}\nVERSION:    {version}\n\n")
    invocation.stdout.flush()
    raise KubectlError(f"GVK map[group:{group} kind:{resource.kind} version:{version}] not "
                       "found in OpenAPI schema")
