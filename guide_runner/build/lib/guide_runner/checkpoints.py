"""Checkpoints of test servers: a base page runs once, the pages that start
from it start from where it ended.

Fourteen scenarios start from the install without Docker, each replaying its
forty-odd seconds on a fresh server. Where a scenario's first blocks are
exactly the blocks of another scenario of the same run on the same kind of
server (same pages, lines, text and options, the teardowns aside), that other
scenario is its base:

- the base runs in full, as its own scenario; at its end its server is
  committed (`docker commit`) and its scratch folder archived: a checkpoint;
- the checkpoint is proven before anyone uses it: the base's server is booted
  again from it and the base's last outcome check runs again (a sign-in in a
  browser). A restore is a reboot (units start again, /run is empty,
  background processes are gone), so a base that only works until a reboot
  fails here, loudly, instead of passing its dependents something its readers
  never get. A base that left a background process, or that checks no
  outcome, is not checkpointed: its dependents replay it;
- a dependent boots its server from the checkpoint, gets the scratch folder
  back at the same path (a virtual environment holds absolute paths), skips
  the base's blocks (the base's own scenario reports them) and runs its own,
  then the teardowns of both, as a replay would;
- checkpoints exist only in the run that made them: tagged with the process,
  labelled, removed when the run ends (`remove_all`), never looked up across
  runs or machines. The coverage report names the scenarios that started
  from one.

Docker-engine state (volumes, container logs and ages) is never
checkpointed: only test servers, whose whole state is their file system.
"""

from __future__ import annotations

import atexit
import dataclasses
import hashlib
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .languages import Kind
from .page import Block
from .plan import Plan, with_files_of
from .sandbox import MADE

LABEL = "guide-runner.checkpoint"  # on every checkpoint image: what the runner made


def steps(plan: Plan) -> list[Block]:
    """The blocks a checkpoint stands for: all but the teardowns (which run at
    the end of every scenario), each as it reads its release's files."""
    return [with_files_of(block, block.page.release) for block in plan.blocks if block.kind != Kind.TEARDOWN]


def key_of(machine: str, blocks: list[Block]) -> str:
    # Blocks are frozen dataclasses of strings and dicts: their repr is their whole content.
    return hashlib.sha256(f"{machine}\0{blocks!r}".encode()).hexdigest()


def scope_of(plan: Plan) -> str | None:
    """The scenarios that must run in one process, base first, for a
    checkpoint to serve: those on the same kind of server that start with
    the same page. None: not on a server, or it changes the test host (it
    runs under the host lock, in its own scope)."""
    if not plan.machine or plan.changes_host or not plan.blocks:
        return None
    return f"{plan.machine} server from {plan.blocks[0].page}"


def is_base(plan: Plan) -> bool:
    """It runs only its own page's blocks: no checkpoint can stand for any of them."""
    return bool(plan.machine) and all(block.page == plan.page for block in plan.blocks)


def starts_with(blocks: list[Block], machine: str, key: str, count: int) -> bool:
    """Whether `blocks` (steps) are more than the `count` blocks of key `key`, and start with them."""
    return len(blocks) > count and key_of(machine, blocks[:count]) == key


@dataclass(frozen=True)
class Checkpoint:
    base: str  # the base scenario's name
    machine: str
    key: str  # of the blocks it stands for (key_of)
    count: int  # how many blocks that is
    image: str  # the committed server
    scratch: Path  # where the base's scratch folder was: the dependents' goes back there
    archive: Path  # that folder as the base left it, a tar

    def serves(self, plan: Plan) -> bool:
        return plan.machine == self.machine and starts_with(steps(plan), plan.machine, self.key, self.count)

    def restore_scratch(self) -> Path:
        """The base's scratch folder, back at its path, owned by this process."""
        if self.scratch.exists():  # what an interrupted dependent left
            shutil.rmtree(self.scratch)
        self.scratch.mkdir(parents=True)
        subprocess.run(["tar", "-xpf", str(self.archive), "-C", str(self.scratch)], check=True)
        return self.scratch


@dataclass
class Checkpoints:
    """The checkpoints of one run (one process: one lane's worker, or a serial run)."""

    wanted: set[str] = field(default_factory=set)  # keys of bases some collected scenario starts from
    made: list[Checkpoint] = field(default_factory=list)
    folder: Path | None = None  # the archives
    reboot_seconds: float = 60  # how long a base's services may take to start again after the reboot

    @classmethod
    def for_plans(cls, plans: list[Plan]) -> "Checkpoints":
        """Want a checkpoint of each base that another of these scenarios starts with."""
        wanted = set()
        bases = [plan for plan in plans if is_base(plan) and not plan.skip and not plan.changes_host]
        for base in bases:
            blocks = steps(base)
            key = key_of(base.machine, blocks)
            if any(starts_with(steps(plan), plan.machine, key, len(blocks)) for plan in plans
                   if plan is not base and not plan.skip and plan.machine == base.machine):
                wanted.add(key)
        return cls(wanted)

    def wants(self, plan: Plan) -> bool:
        return is_base(plan) and key_of(plan.machine, steps(plan)) in self.wanted

    def serving(self, plan: Plan) -> Checkpoint | None:
        """The checkpoint this scenario starts from, if any (never its own: a base runs in full)."""
        if is_base(plan):
            return None
        return max((c for c in self.made if c.serves(plan)), key=lambda c: c.count, default=None)

    def make(self, plan: Plan, container: str, scratch: Path, name: str) -> Checkpoint:
        """Commit the server and archive the scratch folder (the caller proves it with a reboot)."""
        if self.folder is None:
            self.folder = Path(tempfile.mkdtemp(prefix="guide-runner-checkpoints-"))
            # Also when the run's own clean-up does not come (a lane's worker shut down early).
            atexit.register(self.remove_all)
        blocks = steps(plan)
        key = key_of(plan.machine, blocks)
        image = f"guide-runner-checkpoint:{key[:12]}-{os.getpid()}"
        _docker("commit", "--change", f"LABEL {LABEL}={os.getpid()} {MADE}=checkpoint", container, image)
        archive = self.folder / f"{key[:12]}.tar"
        # As root on the server: the reader's files there may be theirs alone.
        with archive.open("wb") as out:
            run = subprocess.run(["docker", "exec", "-u", "root", container,
                                  "tar", "-C", str(scratch), "-cf", "-", "."], stdout=out, stderr=subprocess.PIPE)
        if run.returncode:
            _docker("rmi", image)
            raise CheckpointError(f"cannot archive the scratch folder of {name}: {run.stderr.decode().strip()}")
        checkpoint = Checkpoint(name, plan.machine, key, len(blocks), image, scratch, archive)
        self.made.append(checkpoint)
        return checkpoint

    def discard(self, checkpoint: Checkpoint) -> None:
        """A checkpoint that did not survive its reboot: no dependent may use it."""
        self.made.remove(checkpoint)
        _remove(checkpoint)

    def remove_all(self) -> None:
        """At the end of the run, whatever happened: images, archives, folder."""
        for checkpoint in self.made:
            _remove(checkpoint)
        self.made.clear()
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None


class CheckpointError(Exception):
    pass


def reboot_check(block: Block, password: bytes, scratch: Path) -> Block:
    """The base's last outcome check as the rebooted server is checked: the
    sign-in and what it sees, with the password it used (the page may have
    deleted its file since), without its steps (they change things and take
    the site's pictures)."""
    path = scratch / ".reboot-check-password"
    path.write_bytes(password)
    options = {k: v for k, v in block.options.items() if k != "steps"}
    return dataclasses.replace(block, options={**options, "password-file": str(path)})


def _remove(checkpoint: Checkpoint) -> None:
    subprocess.run(["docker", "rmi", "-f", checkpoint.image], capture_output=True)
    checkpoint.archive.unlink(missing_ok=True)


def _docker(*args: str) -> None:
    run = subprocess.run(["docker", *args], capture_output=True, text=True)
    if run.returncode:
        raise CheckpointError(f"docker {args[0]} failed: {run.stderr.strip()}")
