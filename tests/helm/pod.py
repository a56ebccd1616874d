"""The chart's containers, started by Docker the way a kubelet would start them.

No Kubernetes cluster can run on our machines (no --privileged), so the pod
test starts each rendered container with `docker run`, field by field: image
and command, `env` and `envFrom` (from the rendered ConfigMap and Secrets),
Secret volumes as files with their `defaultMode`, owned by root and the pod's
`fsGroup`, `emptyDir` as a tmpfs, the user and group, a read-only root file
system, dropped capabilities, no privilege escalation and the memory limit.
Probes are asked as the kubelet asks them: an HTTP GET to the pod's address,
with the probe's headers; 200-399 passes.

A field this module does not know fails the test (`UnknownField`): a new
field in the chart must be started here too, or the test would prove less
than it says.
"""

from __future__ import annotations

import base64
import os
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from tests.helm.chart import Manifest

POD_FIELDS = {"automountServiceAccountToken", "securityContext", "containers", "volumes", "restartPolicy"}
CONTAINER_FIELDS = {"name", "image", "imagePullPolicy", "command", "args", "ports", "env", "envFrom",
                    "readinessProbe", "livenessProbe", "resources", "securityContext", "volumeMounts"}
SECURITY_FIELDS = {"runAsNonRoot", "runAsUser", "runAsGroup", "fsGroup", "seccompProfile",
                   "allowPrivilegeEscalation", "readOnlyRootFilesystem", "capabilities"}
MEMORY_UNITS = {"Ki": "k", "Mi": "m", "Gi": "g"}


class UnknownField(Exception):
    pass


@dataclass(frozen=True)
class Objects:
    """The ConfigMaps and Secrets a release makes, by name: what env and volumes refer to."""

    config_maps: dict[str, dict[str, str]]
    secrets: dict[str, dict[str, str]]

    @classmethod
    def of(cls, manifests: list[Manifest]) -> "Objects":
        config_maps, secrets = {}, {}
        for m in manifests:
            obj = m.object
            if obj["kind"] == "ConfigMap":
                config_maps[obj["metadata"]["name"]] = dict(obj.get("data", {}))
            elif obj["kind"] == "Secret":
                data = {k: base64.b64decode(v).decode() for k, v in obj.get("data", {}).items()}
                secrets[obj["metadata"]["name"]] = data | dict(obj.get("stringData", {}))
        return cls(config_maps, secrets)


def _known(fields: dict, allowed: set[str], where: str) -> None:
    unknown = sorted(set(fields) - allowed)
    if unknown:
        raise UnknownField(f"{where}: {', '.join(unknown)}: not started by tests/helm/pod.py")


def _env(container: dict, objects: Objects) -> dict[str, str]:
    env: dict[str, str] = {}
    for source in container.get("envFrom", []):
        if "configMapRef" in source:
            env |= objects.config_maps[source["configMapRef"]["name"]]
        elif "secretRef" in source:
            env |= objects.secrets[source["secretRef"]["name"]]
        else:
            raise UnknownField(f"envFrom: {sorted(source)}")
    for item in container.get("env", []):
        if "value" in item:
            env[item["name"]] = str(item["value"])
        elif "secretKeyRef" in item.get("valueFrom", {}):
            ref = item["valueFrom"]["secretKeyRef"]
            env[item["name"]] = objects.secrets[ref["name"]][ref["key"]]
        elif "configMapKeyRef" in item.get("valueFrom", {}):
            ref = item["valueFrom"]["configMapKeyRef"]
            env[item["name"]] = objects.config_maps[ref["name"]][ref["key"]]
        else:
            raise UnknownField(f"env {item['name']}: {sorted(item)}")
    return env


def _volumes(pod: dict, container: dict, objects: Objects, files: Path, fs_group: int | None) -> list[str]:
    volumes = {v["name"]: v for v in pod.get("volumes", [])}
    args = []
    for mount in container.get("volumeMounts", []):
        volume = volumes[mount["name"]]
        if "emptyDir" in volume:
            size = volume["emptyDir"].get("sizeLimit")
            options = "rw,mode=1777" + (f",size={_memory(size)}" if size else "")
            args += ["--tmpfs", f"{mount['mountPath']}:{options}"]
        elif "secret" in volume:
            spec = volume["secret"]
            folder = files / mount["name"]
            folder.mkdir(parents=True)
            for key, value in objects.secrets[spec["secretName"]].items():
                path = folder / key
                path.write_text(value)
                # As the kubelet writes them: root's, the pod's fsGroup, defaultMode.
                os.chown(path, 0, fs_group if fs_group is not None else 0)
                path.chmod(spec.get("defaultMode", 0o644))
            readonly = ",readonly" if mount.get("readOnly") else ""
            args += ["--mount", f"type=bind,src={folder},dst={mount['mountPath']}{readonly}"]
        else:
            raise UnknownField(f"volume {mount['name']}: {sorted(volume)}")
    return args


def _memory(quantity: str) -> str:
    for suffix, docker in MEMORY_UNITS.items():
        if quantity.endswith(suffix):
            return quantity.removesuffix(suffix) + docker
    return quantity


def docker_run(pod: dict, container_name: str, objects: Objects, files: Path) -> list[str]:
    """`docker run` options, image and command for one container of a rendered pod
    spec (without --name, --network or -d, which the test adds)."""
    _known(pod, POD_FIELDS, "pod spec")
    (container,) = [c for c in pod["containers"] if c["name"] == container_name]
    _known(container, CONTAINER_FIELDS, f"container {container_name}")
    pod_security, security = pod.get("securityContext", {}), container.get("securityContext", {})
    _known(pod_security, SECURITY_FIELDS, "pod securityContext")
    _known(security, SECURITY_FIELDS, f"container {container_name} securityContext")
    context = pod_security | security  # the container's own settings win, as in Kubernetes
    args = []
    user, group = context.get("runAsUser"), context.get("runAsGroup")
    if context.get("runAsNonRoot") and not user:
        raise UnknownField("runAsNonRoot without a runAsUser: the test cannot tell the image's user")
    if user is not None:
        args += ["--user", f"{user}:{group}" if group is not None else str(user)]
    fs_group = pod_security.get("fsGroup")
    if fs_group is not None:
        args += ["--group-add", str(fs_group)]
    if context.get("readOnlyRootFilesystem"):
        args.append("--read-only")
    for capability in context.get("capabilities", {}).get("drop", []):
        args += ["--cap-drop", capability]
    for capability in context.get("capabilities", {}).get("add", []):
        args += ["--cap-add", capability]
    if context.get("allowPrivilegeEscalation") is False:
        args += ["--security-opt", "no-new-privileges"]
    if context.get("seccompProfile", {}).get("type", "RuntimeDefault") != "RuntimeDefault":
        raise UnknownField("seccompProfile other than RuntimeDefault (Docker's default profile)")
    limits = container.get("resources", {}).get("limits", {})
    if "memory" in limits:
        args += ["--memory", _memory(limits["memory"])]
    for name, value in _env(container, objects).items():
        args += ["-e", f"{name}={value}"]
    args += _volumes(pod, container, objects, files, fs_group)
    command = container.get("command", [])
    if command:  # Kubernetes' command replaces the image's entrypoint, args its CMD
        args += ["--entrypoint", command[0]]
    return args + [container["image"], *command[1:], *container.get("args", [])]


def probe(address: str, container: dict, which: str) -> int:
    """Ask a probe once, as the kubelet does: the HTTP status, or 0 for no answer."""
    spec = container[which]["httpGet"]
    port = spec["port"]
    if isinstance(port, str):  # a named port of the container
        (port,) = [p["containerPort"] for p in container["ports"] if p["name"] == port]
    request = urllib.request.Request(f"http://{address}:{port}{spec['path']}",
                                     headers={h["name"]: h["value"] for h in spec.get("httpHeaders", [])})
    try:
        with urllib.request.urlopen(request, timeout=container[which].get("timeoutSeconds", 1)) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0
