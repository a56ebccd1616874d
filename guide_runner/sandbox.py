"""What a page leaves in the Docker engine: snapshot before, compare after.

Every container, network and volume that exists after a page's teardown but
did not exist before the page started was left behind by the page. The runner
removes it and fails the page, naming it, so a guide whose cleanup is wrong
cannot pass. The same holds for tagged images the page built or pulled;
untagged layers a build leaves behind are removed without blame.
"""

from __future__ import annotations

import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache

KINDS = {
    # kind: (list command, remove command)
    "container": (["docker", "ps", "-aq", "--no-trunc"], ["docker", "rm", "-f", "-v"]),
    "network": (["docker", "network", "ls", "-q", "--no-trunc"], ["docker", "network", "rm"]),
    "volume": (["docker", "volume", "ls", "-q"], ["docker", "volume", "rm", "-f"]),
    # Images by tag, so a new tag on an old image counts too; untagged ones by ID.
    "image": (["docker", "images", "-a", "--no-trunc", "--format", "{{.Repository}}:{{.Tag}} {{.ID}}"],
              ["docker", "rmi"]),
}


@cache
def docker_available() -> bool:
    return shutil.which("docker") is not None and subprocess.run(
        ["docker", "info"], capture_output=True).returncode == 0


def _ids(command: list[str]) -> set[str]:
    run = subprocess.run(command, capture_output=True, text=True)
    if run.returncode != 0:
        return set()
    if "--format" not in command:
        return set(run.stdout.split())
    ids = set()
    for line in run.stdout.splitlines():
        tag, ident = line.rsplit(" ", 1)
        ids.add(ident if "<none>" in tag else tag)
    return ids


def describe(kind: str, ident: str) -> str:
    if kind == "image":
        return f"image {ident[:19]}" if ident.startswith("sha256:") else f"image {ident}"
    fmt = {"container": "{{.Name}} ({{.Config.Image}})", "network": "{{.Name}}", "volume": "{{.Name}}"}[kind]
    run = subprocess.run(["docker", kind, "inspect", "-f", fmt, ident],
                         capture_output=True, text=True)
    name = run.stdout.strip().lstrip("/") or ident[:12]
    return f"{kind} {name}"


def logs_of_new_containers(snapshot: "Snapshot", lines: int = 10) -> str:
    """The last log lines of each container made since the snapshot: on a
    failure they usually say why."""
    out = []
    for ident in snapshot.leftovers()["container"]:
        run = subprocess.run(["docker", "logs", "--tail", str(lines), ident], capture_output=True, text=True)
        out.append(f"--- {describe('container', ident)}\n{(run.stdout + run.stderr).rstrip()}")
    return "\n".join(out)


@dataclass
class Snapshot:
    ids: dict[str, set[str]]

    @classmethod
    def take(cls) -> "Snapshot":
        # The four listings are independent: ask for them at once.
        with ThreadPoolExecutor(len(KINDS)) as pool:
            ids = pool.map(_ids, [listing for listing, _ in KINDS.values()])
        return cls(dict(zip(KINDS, ids)))

    def leftovers(self) -> dict[str, list[str]]:
        """Everything that exists now and did not at the snapshot."""
        now = Snapshot.take()
        return {kind: sorted(now.ids[kind] - self.ids[kind]) for kind in KINDS}

    def clean_up(self) -> tuple[list[str], list[str]]:
        """Remove what appeared since the snapshot. Returns (leaked, images):
        descriptions of leaked containers/networks/volumes, and of images."""
        leaked, images = [], []
        now = self.leftovers()
        for kind in ("container", "network", "volume", "image"):  # in the order they depend on each other
            new = now[kind]
            described = [describe(kind, ident) for ident in new]
            if kind == "image":
                # Untagged layers are what a build leaves in its cache: removed, not blamed.
                untagged = [d for d in described if d.startswith("image sha256:")]
                images.extend(untagged)
                described = [d for d in described if d not in untagged]
            leaked.extend(described)
            if new:
                subprocess.run(KINDS[kind][1] + new, capture_output=True)
        return leaked, images
