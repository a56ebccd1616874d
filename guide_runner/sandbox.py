"""What a page leaves in the Docker engine: snapshot before, compare after.

Every container, network and volume that exists after a page's teardown but
did not exist before the page started was left behind by the page, and the
page fails, naming it, so a guide whose cleanup is wrong cannot pass. The
same holds for tagged images the page built or pulled.

What is removed depends on whose engine it is. A lane's engine (lanes.py,
labelled `guide-runner.lane`) is the run's own: nothing else makes anything
in it, so all that is new is removed, untagged build layers too (without
blame). On any other engine (a developer's, shared with their own work) the
runner removes only what it labelled as its own (`guide-runner.made`: test
servers, checkpoints) and names the rest with the command that removes it:
something new there may be someone else's.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cache

MADE = "guide-runner.made"  # on what the runner itself makes: test servers, checkpoints
LANE = "guide-runner.lane"  # on a lane's engine (dockerd --label): the run's own engine

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


@cache
def engine_is_ours() -> bool:
    """Is the engine `docker` talks to a lane the runner started?"""
    return is_lane(["docker"])


def is_lane(docker: list[str]) -> bool:
    run = subprocess.run([*docker, "info", "--format", "{{json .Labels}}"], capture_output=True, text=True)
    return run.returncode == 0 and any(label.startswith(f"{LANE}=") for label in json.loads(run.stdout or "[]") or [])


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
    ours: bool  # the engine is a lane's: whatever is new in it is the run's

    @classmethod
    def take(cls, ours: bool) -> "Snapshot":
        return cls(_listings(), ours)

    def leftovers(self) -> dict[str, list[str]]:
        """Everything that exists now and did not at the snapshot."""
        now = _listings()
        return {kind: sorted(now[kind] - self.ids[kind]) for kind in KINDS}

    def clean_up(self) -> Leftovers:
        """Remove what appeared since the snapshot and may be removed (see the
        module's docstring); say what was left, removed or not."""
        found = Leftovers()
        now = self.leftovers()
        labelled = {} if self.ours else _listings(label=MADE)
        for kind in ("container", "network", "volume", "image"):  # in the order they depend on each other
            new = now[kind]
            if kind == "image":
                # Untagged layers are what a build leaves in its cache: not blamed;
                # removed from a lane's engine, left on another.
                untagged = [ident for ident in new if ident.startswith("sha256:")]
                new = [ident for ident in new if ident not in untagged]
                if self.ours and untagged:
                    subprocess.run(KINDS[kind][1] + untagged, capture_output=True)
            removable = new if self.ours else [ident for ident in new if ident in labelled[kind]]
            described = {ident: describe(kind, ident) for ident in new}
            kept = [ident for ident in new if ident not in removable]
            found.removed += [described[ident] for ident in removable]
            found.kept += [described[ident] for ident in kept]
            # What a person types for each: the word after the kind ("container NAME (IMAGE)").
            names = [described[ident].split(" ")[1] for ident in kept]
            found.commands += [" ".join(KINDS[kind][1] + names)] if kept else []
            if removable:
                subprocess.run(KINDS[kind][1] + removable, capture_output=True)
        return found

    def problems(self) -> list[str]:
        """clean_up, as the sentences a failed page shows."""
        found = self.clean_up()
        said = []
        if found.removed:
            said.append("the page left behind (now removed): " + ", ".join(found.removed))
        if found.kept:
            said.append("the page left behind (not removed: this Docker engine is not a lane of the runner's, "
                        f"so it removes only what it labelled {MADE}): " + ", ".join(found.kept)
                        + "\nremove them with:\n" + "\n".join(f"  {command}" for command in found.commands))
        return said


@dataclass
class Leftovers:
    removed: list[str] = field(default_factory=list)  # descriptions ("container rowbook (rowbook:0.1.4)")
    kept: list[str] = field(default_factory=list)  # left in place: maybe not the run's
    commands: list[str] = field(default_factory=list)  # that remove the kept ones


def _listings(label: str = "") -> dict[str, set[str]]:
    """Every container, network, volume and image ID (tag for tagged images);
    with `label`, only those that carry it."""
    labelled = ["--filter", f"label={label}"] if label else []
    # The four listings are independent: ask for them at once.
    with ThreadPoolExecutor(len(KINDS)) as pool:
        ids = pool.map(_ids, [listing + labelled for listing, _ in KINDS.values()])
    return dict(zip(KINDS, ids))
