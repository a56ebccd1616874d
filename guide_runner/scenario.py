"""Run one planned scenario: its blocks in page order, in a sandbox, then its teardown.

Setup and cleanup are named steps: the start in `_run` (scratch directory,
engine snapshot, the server if the page needs one, from a checkpoint where
one serves), `_run_blocks`, `_checkpoint` (a base whose dependents wait for
it, checkpoints.py), and `_clean_up` (teardown blocks, background commands,
the server, whatever the page left in the Docker engine), which runs
whatever happened.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
import time
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from . import releases
from .checkpoints import Checkpoint, CheckpointError, Checkpoints, reboot_check
from .evaluators import Context, evaluate, terminal_for, timeout_of
from .images import Absent
from .languages import Kind
from .machines import Machine, MachineError
from .outcomes import GuideFailure, Outcome, Status, indent
from .page import Block
from .parallel import host_lock
from .project import current
from .plan import Plan, in_throwaway_container
from .release_passes import ReleasePass
from .sandbox import Snapshot, docker_available, engine_is_ours, logs_of_new_containers
from .shell import Session
from .timings import SERVER, TEARDOWN, Timings, part_of


@dataclass
class Scenario:
    plan: Plan
    outcomes: dict[tuple[str, int], Outcome] = field(default_factory=dict)  # by (page, line)
    timings: Timings | None = None  # of its last run; none before it runs
    from_checkpoint: str = ""  # the base scenario whose checkpoint it started from, if any
    checkpoint_note: str = ""  # a base's: why its dependents replay it instead
    # An older release's scenario (release_passes.py): REUSED (its outcomes are
    # its record's), PASSED or FAILED in this run; and its record now.
    release_state: str = ""
    release_pass: ReleasePass | None = None
    # The last outcome check that passed, with the password it signed in with: a base's reboot check.
    last_check: tuple[Block, bytes] | None = field(default=None, repr=False)

    @property
    def name(self) -> str:
        return self.plan.name

    @property
    def page(self):
        return self.plan.page

    @property
    def skip(self) -> str:
        return self.plan.skip

    @property
    def variant(self) -> str:
        return self.plan.variant

    @property
    def blocks(self) -> list[Block]:
        return self.plan.blocks

    def mark_skipped(self) -> None:
        """A skipped variant: its own blocks are skipped, with the reason."""
        for block in self.plan.own_blocks:
            self.outcomes[block.key] = Outcome(Status.SKIPPED, f"variant skipped: {self.plan.skip}")

    def run(self, checkpoints: Checkpoints | None = None) -> None:
        """`checkpoints`: the run's checkpoints of test servers, to start from
        one or to make one (checkpoints.py); None: always from nothing."""
        # A page that changes the test host waits for any other one, in any lane or run.
        with host_lock() if self.plan.changes_host else nullcontext():
            self._run(checkpoints)

    def _run(self, checkpoints: Checkpoints | None) -> None:
        self.timings = Timings()
        checkpoint = checkpoints.serving(self.plan) if checkpoints is not None else None
        self.from_checkpoint = checkpoint.base if checkpoint else ""
        self.checkpoint_note, self.last_check = "", None
        scratch = checkpoint.restore_scratch() if checkpoint else Path(tempfile.mkdtemp(prefix="guide-runner-"))
        snapshot = Snapshot.take(ours=engine_is_ours()) if current().docker and docker_available() else None
        # After the snapshot: the images the page pulls back are not its leftovers,
        # nor the runner's own tags that keep their layers meanwhile.
        absent = Absent.make(self.plan.absent)
        if snapshot is not None:
            snapshot.ids["image"].update(absent.kept)
        env = page_env(scratch, self.plan)
        machine = self._machine(env["RUNNER_SANDBOX"], scratch)
        session = Session(scratch, env, machine)
        failure = ""
        try:
            if any(block.kind == Kind.OUTCOME for block in self.blocks):
                session.browser.start()  # its Chromium starts beside the page's first commands
            if machine is not None:
                try:
                    with self.timings.part(SERVER):
                        machine.start(image=checkpoint.image if checkpoint else None)
                except MachineError as error:
                    raise GuideFailure(f"{self.name}: {error}") from None
            wanted = machine is not None and checkpoints is not None and checkpoints.wants(self.plan)
            failure = self._run_blocks(session, machine, snapshot, checkpoint, keep_last_check=wanted)
            if not failure and wanted:
                failure = self._checkpoint(checkpoints, session, machine, snapshot)
        finally:
            problems = self._clean_up(session, machine, snapshot, scratch)
            problems += absent.restore()
            self.timings.stop()
        if failure:
            not_run = [f"{page}:{line}" for (page, line), o in self.outcomes.items() if o.status == Status.NOT_RUN]
            if not_run:
                failure += f"\n\nnot run after this failure: {', '.join(not_run)}"
            raise GuideFailure(failure + "".join(f"\n\nalso: {p}" for p in problems))
        if problems:
            raise GuideFailure(f"{self.name}: " + "\n".join(problems))

    def _machine(self, sandbox: str, scratch: Path) -> Machine | None:
        """Where the blocks run: the page's test server, a throwaway container,
        or this machine (None), as the page and then the project say."""
        if self.plan.machine:
            return Machine(self.plan.machine, sandbox + "-machine", scratch)
        if in_throwaway_container(self.plan, current().run_pages_in):
            return Machine.throwaway(current().container_image, sandbox + "-container", scratch)
        return None

    def _run_blocks(self, session: Session, machine: Machine | None, snapshot: Snapshot | None,
                    checkpoint: Checkpoint | None = None, keep_last_check: bool = False) -> str:
        """Every block but the teardowns, in order, but those a checkpoint
        stands for; after a failure the rest are "not run". Returns the
        failure's report, or "". `keep_last_check`: a base to checkpoint
        keeps its last passed outcome check, with its password, for the reboot."""
        context = Context(session, self.variant, snapshot)
        failed_at: Block | None = None
        failure = ""
        done = checkpoint.count if checkpoint else 0  # the base's own scenario reports them
        for block in self.blocks:
            if block.kind == Kind.TEARDOWN:
                continue
            if done:
                done -= 1
                continue
            if failed_at is not None:
                self.outcomes[block.key] = Outcome(Status.NOT_RUN, f"after the failure at {failed_at.where}")
                continue
            try:
                with self.timings.part(part_of(block.kind)):
                    self.outcomes[block.key] = evaluate(block, context)
                passed_check = block.kind == Kind.OUTCOME and self.outcomes[block.key].status == Status.VERIFIED
                if keep_last_check and passed_check:
                    self.last_check = (block, _password_of(block, session))
            except GuideFailure as error:
                self.outcomes[block.key] = Outcome(Status.FAILED, str(error).split("\n")[0])
                failed_at = block
                failure = str(error) + "\n\n" + _diagnostics(machine, snapshot)
        return failure.rstrip()

    def _checkpoint(self, checkpoints: Checkpoints, session: Session, machine: Machine,
                    snapshot: Snapshot | None) -> str:
        """Commit the base's server for the scenarios that start from it, once
        it has survived a reboot from that commit (checkpoints.py). Returns a
        failure's report, or ""."""
        last_check = self.last_check
        if session.has_background() or last_check is None:
            why = "it left a background process" if last_check else "it checks no outcome to prove a reboot"
            self.checkpoint_note = f"not checkpointed: {why}; the pages that start from it replay it"
            return ""
        with self.timings.part(SERVER):
            try:
                checkpoint = checkpoints.make(self.plan, machine.container, session.scratch, self.name)
            except CheckpointError as error:
                return f"{self.name}: {error}"
            if snapshot is not None:  # the run's, removed at its end: not a leftover of this page
                snapshot.ids["image"].add(checkpoint.image)
            try:
                machine.reboot(checkpoint.image)
            except MachineError as error:
                checkpoints.discard(checkpoint)
                return f"{self.name}: its server does not boot again from its end state: {error}"
        block, password = last_check
        check = reboot_check(block, password, session.scratch)
        error = self._check_after_reboot(check, session, snapshot, checkpoints.reboot_seconds)
        if error is not None:
            checkpoints.discard(checkpoint)
            return (f"{self.name} works only until its server reboots: booted again from its end state, "
                    f"the outcome check of {block.where} fails.\n{indent(str(error))}\n\n"
                    "The pages that start from this one start from a reboot of its end state (a checkpoint), "
                    "and so does a reader's server after any restart: whatever the page starts by hand must "
                    "also start at boot (systemctl enable).\n\n" + machine.diagnostics())
        return ""

    def _check_after_reboot(self, check: Block, session: Session, snapshot: Snapshot | None,
                            seconds: float) -> GuideFailure | None:
        """The check, tried again for `seconds` while the rebooted server's services start, as a reader would wait."""
        deadline = time.monotonic() + seconds
        while True:
            try:
                with self.timings.part(part_of(Kind.OUTCOME)):
                    evaluate(check, Context(session, self.variant, snapshot))
                return None
            except GuideFailure as error:
                if time.monotonic() > deadline:
                    return error
            time.sleep(2)

    def _clean_up(self, session: Session, machine: Machine | None, snapshot: Snapshot | None,
                  scratch: Path) -> list[str]:
        """Teardown always runs: pass, fail, timeout or Ctrl-C. Returns what went wrong."""
        problems = self._teardown(session)
        session.close_browser()
        if machine is not None:
            with self.timings.part(SERVER):
                machine.remove()
        if snapshot is not None:
            problems += snapshot.problems()
        shutil.rmtree(scratch, ignore_errors=True)
        return problems

    def _teardown(self, session: Session) -> list[str]:
        problems = []
        # A page that starts from another page tears down first, then the page it started from.
        pages = list(dict.fromkeys(block.page for block in self.blocks))
        teardowns = [b for page in reversed(pages) for b in self.blocks if b.page == page and b.kind == Kind.TEARDOWN]
        for block in teardowns:
            try:
                with self.timings.part(TEARDOWN):
                    result = terminal_for(block, session).run(block.source, timeout_of(block))
            except Exception as error:  # the rest of the clean-up must run all the same
                problems.append(f"teardown at {block.where} could not run: {error!r}")
                self.outcomes[block.key] = Outcome(Status.FAILED, "teardown could not run")
                continue
            if result.exit_status != 0:
                problems.append(f"teardown at {block.where} exited {result.exit_status}:\n{indent(result.tail())}")
                self.outcomes[block.key] = Outcome(Status.FAILED, f"teardown exited {result.exit_status}")
            else:
                self.outcomes[block.key] = Outcome(Status.HIDDEN, "teardown")
        session.stop_background()
        return problems


def _password_of(block: Block, session: Session) -> bytes:
    """The password an outcome check signed in with, as its file held it then."""
    session = terminal_for(block, session)  # on the reader's computer, maybe
    path = session.cwd / block.options["password-file"]
    if session.machine is not None:
        return session.machine.read_file(str(path))
    return path.read_bytes()


def _diagnostics(machine: Machine | None, snapshot: Snapshot | None) -> str:
    """Where a failure usually says why: the server's failed units and journal,
    or the last log lines of the containers the page started."""
    if machine is not None:
        return machine.diagnostics()
    logs = logs_of_new_containers(snapshot) if snapshot else ""
    return f"container logs (last lines):\n{indent(logs)}" if logs else ""


# What a reader's fresh terminal keeps of our environment.
_KEPT = ("PATH", "LANG", "LANGUAGE", "TZ", "USER", "LOGNAME", "SHELL", "TMPDIR", "http_proxy", "https_proxy",
         "no_proxy", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "DOCKER_HOST", "DOCKER_CONFIG", "CI")


def page_env(scratch: Path, plan: Plan) -> dict[str, str]:
    """A reader's fresh terminal: only the basics of our environment (nothing a
    test or a developer's shell set, such as a leftover ROWBOOK_* or
    POSTGRES_* variable), minus the test runner's own virtualenv."""
    env = {k: v for k, v in os.environ.items() if k in _KEPT or k.startswith(("LC_", "RUNNER_"))}
    venv_bin = os.path.join(sys.prefix, "bin") if sys.prefix != sys.base_prefix else None
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if p != venv_bin)
    env["HOME"] = str(scratch / "home")
    env["NO_COLOR"] = "1"
    env["TERM"] = "dumb"
    # For hidden blocks only: where the repo is, where the files pages
    # include are as this release has them (docker/, snippets/), and a name
    # unique to this page.
    env["RUNNER_REPO"] = str(current().root)
    env["RUNNER_FILES"] = str(releases.files_root(plan.page.release))
    name = str(plan.page).removesuffix(".md").replace(".md@", "-")
    env["RUNNER_SANDBOX"] = current().sandbox_prefix + "-" + re.sub(r"[^a-z0-9]+", "-", f"{name}-{plan.variant}".lower()).strip("-")[-40:]
    return env
