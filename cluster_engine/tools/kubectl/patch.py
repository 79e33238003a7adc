"""``kubectl patch``: change fields of a stored object with a merge, strategic or JSON patch.

kubectl reads the patch (``-p`` or ``--patch-file``), checks that it parses as YAML, and sends
it; the API server applies it (with ``api.writes``' patch functions, which serve PATCH requests
too) and stores the result through the usual update path (here ``mutations.update``, so a
patched Deployment template rolls out like ``set image``). The three patch types:

- ``merge`` (RFC 7386): maps merge, ``null`` removes a key, anything else replaces.
- ``strategic`` (the default): like merge, but lists the API declares with a merge key
  (containers by ``name``, container ports by ``containerPort``, service ports by ``port``, ...)
  merge element by element, and ``$patch: delete`` removes an element.
- ``json`` (RFC 6902): a list of ``add``/``remove``/``replace``/``move``/``copy``/``test``
  operations on JSON pointers.

The result is reported as ``deployment.apps/x patched``, or ``patched (no change)`` when the
object came out the same; kubectl adds no dry-run suffix to either.
"""

from __future__ import annotations

import json

import yaml

from ...api.writes import apply_json_patch, merge
from ...errors import ApiError, Invalid
from .app import KubectlError, connect, implement, namespace_of
from .cobra import Invocation
from .get import _read_file
from .mutations import Output, find_targets, output_of, report, update

PATCH_TYPES = ("json", "merge", "strategic")
#: What kubectl prints for the API server's 422 answer to a JSON patch that does not apply.
REJECTED = ("The request is invalid: the server rejected our request due to an error in our "
            "request\n")


class BadRequest(ApiError):
    code = 400
    reason = "BadRequest"


def _patch_text(invocation: Invocation) -> str:
    flags = invocation.flags
    text = flags.get("patch") or ""
    patch_file = flags.get("patch-file") or ""
    if text and patch_file:
        raise KubectlError("cannot specify --patch and --patch-file together")
    if patch_file:
        text = _read_file(invocation, patch_file, "file")
    if not text:
        raise KubectlError("must specify --patch or --patch-file containing the contents of "
                           "the patch")
    return text


def _decoded(text: str):
    """The patch as the API server decodes it: kubectl sends text that looks like JSON as it
    is (so broken JSON fails on the server) and converts YAML to JSON first."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        if text.lstrip().startswith(("{", "[")):
            bad = text[error.pos:error.pos + 1] or "EOF"
            raise BadRequest(f"error decoding patch: invalid character '{bad}' looking for "
                             "beginning of object key string") from None
    return yaml.safe_load(text)


def apply_patch(obj: dict, patch_type: str, patch) -> dict:
    """The API server's patch of ``obj`` (``api.writes`` applies PATCH requests the same way)."""
    if patch_type == "json":
        return apply_json_patch(obj, patch)
    if not isinstance(patch, dict):
        raise BadRequest("json: cannot unmarshal array into Go value of type "
                         "map[string]interface {}")
    return merge(obj, patch, strategic=patch_type == "strategic")


@implement("patch")
def run_patch(invocation: Invocation) -> int:
    flags = invocation.flags
    patch_type = flags.get("type") or "strategic"
    if patch_type not in PATCH_TYPES:
        raise KubectlError(f"--type must be one of [{' '.join(PATCH_TYPES)}], not "
                           f'"{patch_type}"')
    text = _patch_text(invocation)
    if not text.lstrip().startswith(("{", "[")):
        try:
            yaml.safe_load(text)
        except yaml.YAMLError as error:
            raise KubectlError(f'unable to parse "{text}": yaml: {_yaml_problem(error)}') \
                from None
    output = output_of(invocation)
    patched = []
    with invocation.ctx.sandbox.transaction() as cluster:
        connect(invocation, cluster)
        targets = find_targets(cluster, invocation.args, namespace_of(invocation))
        for target in targets:
            patch = _decoded(text)
            try:
                result = apply_patch(target.obj, patch_type, patch)
            except Invalid as error:
                if output.dry_run == "client":
                    raise KubectlError(str(error)) from None
                invocation.stderr.write(REJECTED)
                return 1
            if not isinstance(result, dict):
                raise BadRequest("the patch did not produce an object")
            unchanged = result == target.obj
            for identity in ("name", "namespace", "uid"):
                if identity in target.obj["metadata"]:
                    result.setdefault("metadata", {})[identity] = \
                        target.obj["metadata"][identity]
            if not unchanged and output.dry_run != "client":
                result = update(cluster, target.rt, result, output)
            patched.append((target.rt, result, unchanged))
    plain = Output(output.format, "none")
    for rt, obj, unchanged in patched:
        report(invocation.stdout, rt, obj, "patched (no change)" if unchanged else "patched",
               plain)
    return 0


def _yaml_problem(error: yaml.YAMLError) -> str:
    """go-yaml's wording for the common mistakes: ``line N: did not find expected ...``."""
    mark = getattr(error, "problem_mark", None)
    line = (mark.line + 1) if mark is not None else 1
    problem = getattr(error, "problem", "") or "could not parse"
    return f"line {line}: {problem}"
