"""``kubectl set image``, ``set env`` and ``set resources``: change the containers of a pod
template.

They take resources first and then their changes (``CONTAINER=IMAGE``; ``NAME=value`` or
``NAME-``; ``--limits``/``--requests``), work on Deployments, ReplicaSets and Pods, and report
``image updated`` / ``env updated`` / ``resource requirements updated`` for each object they
changed; an object left as it was is not mentioned.
Problems with one object (a container name it does not have) are reported after the others
were changed, as kubectl collects them. Changing a Deployment's template starts a rollout.
"""

from __future__ import annotations

import fnmatch
import re

from ...errors import ApiError
from ...quantities import canonical_quantity
from .app import KubectlError, connect, implement, namespace_of
from .cobra import Invocation
from .mutations import (ENV_NAME, ENV_NAME_RULE, check_target_args, find_targets,
                        not_implemented, output_of, report, subcommand, update)
from .label import split_resources_and_pairs

for _name in ("env", "image", "resources", "selector", "serviceaccount", "subject"):
    subcommand(f"set {_name}", ("sa",) if _name == "serviceaccount" else ())
subcommand("set", grouping=True)
for _name in ("selector", "serviceaccount", "subject"):
    implement(f"set {_name}")(not_implemented)

NO_RESOURCES = ("one or more resources must be specified as <resource> <name> or "
                "<resource>/<name>")
_ENV_ARGUMENT = re.compile(r"(?s).+=.*\Z")
_WITH_TEMPLATES = ("Deployment", "ReplicaSet", "Pod")


def _pod_spec(obj: dict) -> dict:
    return obj["spec"] if obj["kind"] == "Pod" else obj["spec"]["template"]["spec"]


def _write_errors(stderr, errors: list[str]) -> None:
    """kubectl's aggregate of several errors is one line in brackets."""
    if len(errors) == 1:
        message = errors[0]
    else:
        message = "[" + ", ".join(errors) + "]"
    if not message.startswith("error: "):
        message = "error: " + message
    stderr.write(message + "\n")


def _apply(invocation: Invocation, resources: list[str], change, verb: str, what: str,
           validate_flags=None) -> int:
    """Run ``change(pod_spec, errors)`` on each object; write back and report the changed ones.
    A write the server refuses is one more error, ``failed to patch <what> update to pod
    template``, and the other objects are still written. ``validate_flags()`` runs once the
    resources are checked and the server reached, where kubectl validates a command's flags."""
    flags = invocation.flags
    output = output_of(invocation)
    selector, select_all = flags.get("selector") or "", bool(flags.get("all"))
    check_target_args(resources, selector, select_all)
    errors: list[str] = []
    with invocation.ctx.sandbox.transaction() as cluster:
        connect(invocation, cluster)
        if validate_flags is not None:
            validate_flags()
        targets = find_targets(cluster, resources, namespace_of(invocation), selector,
                               select_all, errors)
        for target in targets:
            if target.rt.kind not in _WITH_TEMPLATES:
                errors.append(f"error: {target.rt.plural}/{target.obj['metadata']['name']} the "
                              "object is not a pod or does not have a pod template: "
                              f"*{target.rt.version}.{target.rt.kind}")
                continue
            spec = _pod_spec(target.obj)
            before = repr(spec)
            change(spec, errors)
            if repr(spec) == before:
                continue
            if output.dry_run != "client":
                try:
                    update(cluster, target.rt, target.obj, output)
                except ApiError as refused:
                    errors.append(f"error: failed to patch {what} update to pod template "
                                  f"{refused.message}")
                    continue
            report(invocation.stdout, target.rt, target.obj, verb, output)
    invocation.stdout.flush()
    if errors:
        _write_errors(invocation.stderr, errors)
        return 1
    return 0


# -- set image -------------------------------------------------------------------------------------
@implement("set image")
def run_set_image(invocation: Invocation) -> int:
    flags = invocation.flags
    resources, pairs = split_resources_and_pairs(invocation.args, "image")
    images: dict[str, str] = {}
    invalid = []
    for pair in pairs:
        if "=" in pair and not pair.startswith("="):
            name, _, image = pair.partition("=")
            images[name] = image
        else:
            invalid.append(pair)
    if invalid:
        raise KubectlError(f"invalid image format: {', '.join(invalid)}")
    if flags.get("all") and flags.get("selector"):
        raise KubectlError("cannot set --all and --selector at the same time")
    if not resources:
        raise KubectlError(NO_RESOURCES)
    if not images:
        raise KubectlError("at least one image update is required")
    if len(images) > 1 and "*" in images:
        raise KubectlError("all containers are already specified by *, but saw more than one "
                           "container_name=container_image pairs")

    def set_images(spec: dict, errors: list[str]) -> None:
        containers = spec.get("initContainers", []) + spec.get("containers", [])
        for name, image in images.items():
            matched = [c for c in containers if name == "*" or c["name"] == name]
            if not matched:
                errors.append(f'error: unable to find container named "{name}"')
            for container in matched:
                container["image"] = image

    return _apply(invocation, resources, set_images, "image updated", "image")


# -- set env ---------------------------------------------------------------------------------------
def _split_env_arguments(args: list[str]) -> tuple[list[str], list[str]]:
    resources, env_args = [], []
    for arg in args:
        if _ENV_ARGUMENT.match(arg) or arg.endswith("-"):
            env_args.append(arg)
        elif env_args:
            raise KubectlError("all resources must be specified before environment changes: "
                               + " ".join(args))
        else:
            resources.append(arg)
    return resources, env_args


def _parse_env(specs: list[str]) -> tuple[list[dict], list[str]]:
    env, removed = [], []
    for spec in specs:
        if "=" in spec:
            name, _, value = spec.partition("=")
            if not ENV_NAME.match(name):
                raise KubectlError(f'"{name}" is not a valid key name: {ENV_NAME_RULE}')
            env.append({"name": name, "value": value})
        elif spec.endswith("-"):
            removed.append(spec[:-1])
        else:
            raise KubectlError(f"unknown environment variable: {spec}")
    if any(item["name"] in removed for item in env):
        raise KubectlError("can not both modify and remove the same environment variable in the "
                           "same command")
    return env, removed


def updated_env(existing: list[dict], env: list[dict], removed: list[str]) -> list[dict]:
    """kubectl's ``updateEnv``: replace in place, append the new, drop the removed."""
    wanted = {item["name"]: item for item in env}
    covered = set(removed)
    result = []
    for item in existing:
        if item["name"] in covered:
            continue
        if item["name"] in wanted:
            covered.add(item["name"])
            result.append(wanted[item["name"]])
        else:
            result.append(item)
    for item in env:
        if item["name"] not in covered:
            covered.add(item["name"])
            result.append(item)
    return result


@implement("set env")
def run_set_env(invocation: Invocation) -> int:
    flags = invocation.flags
    if flags.get("all") and flags.get("selector"):
        raise KubectlError("cannot set --all and --selector at the same time")
    resources, env_args = _split_env_arguments(invocation.args)
    if not resources:
        raise KubectlError(NO_RESOURCES)
    env, removed = _parse_env((flags.get("env") or []) + env_args)
    wanted = flags.get("containers") or "*"
    overwrite = flags.get("overwrite")

    def set_env(spec: dict, errors: list[str]) -> None:
        for container in spec.get("containers", []):
            if not fnmatch.fnmatchcase(container["name"], wanted):
                continue
            current = container.get("env") or []
            if not overwrite:
                for item in env:
                    existing = next((e for e in current if e["name"] == item["name"]), None)
                    if existing is not None and existing.get("value") != item["value"]:
                        raise KubectlError(f"'{item['name']}' already has a value "
                                           f"({existing.get('value', '')}), and --overwrite is "
                                           "false")
            result = updated_env(current, env, removed)
            if result:
                container["env"] = result
            else:
                container.pop("env", None)

    return _apply(invocation, resources, set_env, "env updated", "env")


# -- set resources ---------------------------------------------------------------------------------
QUANTITY_SYNTAX = ("quantities must match the regular expression "
                   "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'")


def _resource_list(text: str) -> dict[str, str]:
    """``cpu=100m,memory=256Mi`` as kubectl reads it, each amount in its canonical form."""
    amounts: dict[str, str] = {}
    for statement in text.split(",") if text else ():
        parts = statement.split("=")
        if len(parts) != 2:
            raise KubectlError(f"Invalid argument syntax {statement}, expected <resource>=<value>")
        try:
            amounts[parts[0]] = canonical_quantity(parts[1])
        except ValueError:
            raise KubectlError(QUANTITY_SYNTAX) from None
    return amounts


@implement("set resources")
def run_set_resources(invocation: Invocation) -> int:
    flags = invocation.flags
    wanted: dict[str, dict[str, str]] = {}
    pattern = flags.get("containers") or "*"

    def read_amounts() -> None:
        if not flags.get("limits") and not flags.get("requests"):
            raise KubectlError("you must specify an update to requests or limits (in the form "
                               "of --requests/--limits)")
        wanted.update(limits=_resource_list(flags.get("limits") or ""),
                      requests=_resource_list(flags.get("requests") or ""))

    def set_resources(spec: dict, errors: list[str]) -> None:
        containers = [container for container in
                      spec.get("containers", []) + spec.get("initContainers", [])
                      if fnmatch.fnmatchcase(container["name"], pattern)]
        if not containers:
            errors.append(f"error: unable to find container named {pattern}")
        for container in containers:
            resources = container.setdefault("resources", {})
            for kind, amounts in wanted.items():
                if amounts:
                    resources[kind] = dict(sorted({**(resources.get(kind) or {}),
                                                   **amounts}.items()))

    return _apply(invocation, invocation.args, set_resources, "resource requirements updated",
                  "resources", validate_flags=read_amounts)
