"""Run one scenario: the blocks of one page (one variant of it), in page order."""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import configs, console
from docs_tools import versions

from .machines import Machine, MachineError
from .page import ROOT, Block
from .sandbox import Snapshot, docker_available, logs_of_new_containers
from .shell import Result, Session, wait_for_url

DEFAULT_TIMEOUT = 300.0
# bash reports "block: line 3: ..." for a failing line of the block.
_BASH_LINE = re.compile(r"^block: line (\d+):", re.MULTILINE)


@dataclass
class Outcome:
    """What happened to one block, for the coverage report."""

    status: str  # verified, executed, parsed, hidden, skipped, failed, not run
    detail: str = ""


class GuideFailure(Exception):
    """A block failed; the message says where, what ran and what it printed."""


@dataclass
class Scenario:
    page: str
    variant: str
    blocks: list[Block]
    outcomes: dict[tuple[str, int], Outcome] = field(default_factory=dict)  # by (page, line)
    skip: str = ""  # why this variant does not run, if it does not
    machine: str = ""  # run on this fresh server (machines.py), not on the test host
    version: str = ""  # an older release's rendition of the page (docs_tools/versions.py)

    @property
    def name(self) -> str:
        return f"{self.page} [{self.variant or 'page'}]"

    def run(self) -> None:
        scratch = Path(tempfile.mkdtemp(prefix="rowbook-docs-"))
        snapshot = Snapshot.take() if docker_available() else None
        env = _page_env(scratch, self.page, self.variant, self.version)
        machine = Machine(self.machine, env["RUNNER_SANDBOX"] + "-machine", scratch) if self.machine else None
        session = Session(scratch, env, machine)
        failure: str | None = None
        failed_at: Block | None = None
        try:
            if machine is not None:
                try:
                    machine.start()
                except MachineError as error:
                    raise GuideFailure(f"{self.name}: {error}") from None
            for block in self.blocks:
                if block.kind == "teardown":
                    continue
                if failed_at is not None:
                    self.outcomes[block.key] = Outcome("not run", f"after the failure at {failed_at.where}")
                    continue
                try:
                    self.outcomes[block.key] = self._run_block(block, session)
                except GuideFailure as error:
                    self.outcomes[block.key] = Outcome("failed", str(error).split("\n")[0])
                    failed_at = block
                    if machine is not None:
                        failure = str(error) + "\n\n" + machine.diagnostics()
                    else:
                        logs = logs_of_new_containers(snapshot) if snapshot else ""
                        failure = str(error) + (f"\n\ncontainer logs (last lines):\n{_indent(logs)}" if logs else "")
        finally:
            # Teardown always runs: pass, fail, timeout or Ctrl-C.
            problems = self._teardown(session)
            if machine is not None:
                machine.remove()
            if snapshot is not None:
                leaked, _images = snapshot.clean_up()
                if leaked:
                    problems.append("the page left behind (now removed): " + ", ".join(leaked))
            shutil.rmtree(scratch, ignore_errors=True)
        if failure:
            not_run = [f"{page}:{line}" for (page, line), o in self.outcomes.items() if o.status == "not run"]
            if not_run:
                failure += f"\n\nnot run after this failure: {', '.join(not_run)}"
            raise GuideFailure(failure + "".join(f"\n\nalso: {p}" for p in problems))
        if problems:
            raise GuideFailure(f"{self.name}: " + "\n".join(problems))

    def _teardown(self, session: Session) -> list[str]:
        problems = []
        # A page that starts from another page tears down first, then the page it started from.
        pages = list(dict.fromkeys(block.page for block in self.blocks))
        teardowns = [b for page in reversed(pages) for b in self.blocks if b.page == page and b.kind == "teardown"]
        for block in teardowns:
            result = session.run(block.source, float(block.options.get("timeout", DEFAULT_TIMEOUT)))
            if result.exit_status != 0:
                problems.append(f"teardown at {block.where} exited {result.exit_status}:\n{_indent(result.tail())}")
                self.outcomes[block.key] = Outcome("failed", f"teardown exited {result.exit_status}")
            else:
                self.outcomes[block.key] = Outcome("hidden", "teardown")
        session.stop_background()
        return problems

    def _run_block(self, block: Block, session: Session) -> Outcome:
        options = block.options
        if "skip" in options:
            if not options["skip"].strip():
                raise GuideFailure(f"{block.where}: a skipped block must say why: <!-- test: skip=\"reason\" -->")
            return Outcome("skipped", options["skip"])
        timeout = float(options.get("timeout", DEFAULT_TIMEOUT))
        expected_exit = int(options.get("exit", 0))
        if "replace" in options:  # a test-only substitution, e.g. a download URL -> a local file
            block = substituted(block, options["replace"])
        if block.kind == "hidden":
            self._check(block, block.line, block.source, session.run(block.source, timeout), 0)
            return Outcome("hidden", "hidden setup")
        if block.kind == "shell":
            if "background" in options:
                return self._background(block, session)
            self._check(block, block.line, block.source, session.run(block.source, timeout), expected_exit)
            return Outcome("executed")
        if block.kind == "console":
            return self._console(block, session, timeout, expected_exit)
        if block.kind == "config":
            return self._config(block, session)
        return Outcome("not collected", f"no runner for language {block.language!r}")

    def _check(self, block: Block, line: int, command: str, result: Result, expected_exit: int) -> None:
        if result.exit_status == expected_exit:
            return
        if result.exit_status is None:
            status = f"killed after its timeout of {block.options.get('timeout', DEFAULT_TIMEOUT)} s"
        else:
            status = f"{result.exit_status} (expected {expected_exit})"
        bash_line = _BASH_LINE.search(result.output)
        if bash_line and block.kind in ("shell", "hidden"):
            line = block.line + int(bash_line.group(1))
            command = block.source.split("\n")[int(bash_line.group(1)) - 1]
        raise GuideFailure(
            f"{block.page}:{line} [{self.variant or 'page'}] {block.kind} block failed\n\n"
            f"command:\n{_indent(command)}\n\nexit status: {status}\n\n"
            f"last output lines:\n{_indent(result.tail() or '(no output)')}"
        )

    def _console(self, block: Block, session: Session, timeout: float, expected_exit: int) -> Outcome:
        try:
            commands = console.parse(block.source)
        except ValueError as error:
            raise GuideFailure(f"{block.where}: {error}") from None
        deadline = float(block.options["converge"]) if "converge" in block.options else 0
        # answers="Prompt: =>answer|Password: =>secret": typed at each prompt, in a terminal.
        answers = [tuple(pair.split("=>", 1)) for pair in block.options["answers"].split("|")] \
            if "answers" in block.options else []
        for command in commands:
            line = block.line + 1 + command.line
            started, pause = time.monotonic(), 1.0
            while True:
                if answers:
                    result = session.run_interactive(command.command, answers, timeout)
                else:
                    result = session.run(command.command, timeout)
                ok = result.exit_status == expected_exit and console.matches(command.expected, result.output)
                remaining = deadline - (time.monotonic() - started)
                if ok or remaining <= 0:
                    break
                time.sleep(min(pause, remaining))  # the output converges: try again, backing off
                pause = min(pause * 2, 10)
            self._check(block, line, command.command, result, expected_exit)
            if not ok:
                waited = f" (retried for {deadline:.0f} s)" if deadline else ""
                raise GuideFailure(
                    f"{block.page}:{line} [{self.variant or 'page'}] output differs from the page{waited}\n\n"
                    f"command:\n{_indent(command.command)}\n\n{console.diff(command.expected, result.output)}"
                )
        return Outcome("verified", f"{len(commands)} command(s)")

    def _background(self, block: Block, session: Session) -> Outcome:
        log = session.scratch / f"background-{block.line}.log"
        process = session.start_background(block.source, log)
        url = block.options.get("url") or (
            f"http://127.0.0.1:{block.options['port']}/" if "port" in block.options else None)
        if url:
            problem = wait_for_url(url, float(block.options.get("timeout", 60)), process)
            if problem:
                tail = "\n".join(log.read_text(errors="replace").splitlines()[-20:])
                raise GuideFailure(
                    f"{block.where} [{self.variant or 'page'}] background command did not come up: {problem}\n\n"
                    f"command:\n{_indent(block.source)}\n\nlast output lines:\n{_indent(tail or '(no output)')}"
                )
        return Outcome("executed", f"in the background{f', waited for {url}' if url else ''}")

    def _config(self, block: Block, session: Session) -> Outcome:
        path = None
        if block.title and "parse-only" not in block.options:
            path = session.cwd / block.title
            try:
                session.write_file(path, block.source)
            except OSError as error:
                raise GuideFailure(f"{block.where} [{self.variant or 'page'}] cannot write {block.title}: {error}")
        try:
            how = configs.check(block.language, block.source, path, session.env, session.cwd)
        except Exception as error:  # any parser's error means the same: the block is broken
            raise GuideFailure(f"{block.where} [{self.variant or 'page'}] {block.language} block is not valid: {error}")
        return Outcome("parsed", f"{'written to ' + block.title + ', ' if path else ''}checked by {how}")


def substituted(block: Block, replace: str, strict: bool = True) -> Block:
    """`replace="OLD=>NEW|OLD2=>NEW2"`: the block as the test runs it. Strict:
    each OLD must occur in the block (a page's own substitution)."""
    source = block.source
    for pair in filter(None, replace.split("|")):
        old, arrow, new = pair.partition("=>")
        if strict and (not arrow or old not in source):
            raise GuideFailure(f"{block.where}: replace={pair!r} does not match the block")
        source = source.replace(old, new)
    return dataclasses.replace(block, source=source)


def _page_env(scratch: Path, page: str, variant: str, version: str = "") -> dict[str, str]:
    """A reader's fresh terminal: only the basics of our environment (nothing a
    test or a developer's shell set, such as a leftover ROWBOOK_* or
    POSTGRES_* variable), minus the test runner's own virtualenv."""
    keep = ("PATH", "LANG", "LANGUAGE", "TZ", "USER", "LOGNAME", "SHELL", "TMPDIR", "http_proxy", "https_proxy",
            "no_proxy", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "DOCKER_HOST", "DOCKER_CONFIG", "CI")
    env = {k: v for k, v in os.environ.items() if k in keep or k.startswith(("LC_", "RUNNER_"))}
    venv_bin = os.path.join(sys.prefix, "bin") if sys.prefix != sys.base_prefix else None
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if p != venv_bin)
    env["HOME"] = str(scratch / "home")
    env["NO_COLOR"] = "1"
    env["TERM"] = "dumb"
    # For hidden blocks only: where the repo is, where the files pages
    # include are as this release has them (docker/, snippets/), and a name
    # unique to this page.
    env["RUNNER_REPO"] = str(ROOT)
    env["RUNNER_FILES"] = str(versions.snippet_dirs(version)[0].parent) if version else str(ROOT)
    name = page.removesuffix(".md").replace(".md@", "-")
    env["RUNNER_SANDBOX"] = "rbdocs-" + re.sub(r"[^a-z0-9]+", "-", f"{name}-{variant}".lower()).strip("-")[-40:]
    return env


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.split("\n"))
