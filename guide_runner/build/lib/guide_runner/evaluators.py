"""What the runner does with each kind of block: one evaluator per kind.

An evaluator runs a block in the scenario's terminal (a Session) and returns
its Outcome, or raises GuideFailure naming the page, the line, the variant,
the command and what it printed.
"""

from __future__ import annotations

import re
import string
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from . import configs, console
from .browser import sign_in_options
from .languages import Kind
from .options import pairs
from .outcomes import GuideFailure, Outcome, Status, indent
from .page import Block
from .project import current
from .plan import substituted
from .sandbox import Snapshot, describe
from .shell import Result, Session, wait_for_url

DEFAULT_TIMEOUT = 300.0
# bash reports "block: line 3: ..." for a failing line of the block.
_BASH_LINE = re.compile(r"^block: line (\d+):", re.MULTILINE)


@dataclass(frozen=True)
class Context:
    """What every evaluator gets: the terminal and the variant it runs in."""

    session: Session
    variant: str
    # What the Docker engine held before the scenario: for `leaves-nothing`.
    snapshot: Snapshot | None = None

    @property
    def label(self) -> str:
        return f"[{self.variant or 'page'}]"


def timeout_of(block: Block) -> float:
    return float(block.options.get("timeout", DEFAULT_TIMEOUT))


def expected_exit_of(block: Block) -> int:
    return int(block.options.get("exit", 0))


def check_exit(block: Block, line: int, command: str, result: Result, expected: int, context: Context) -> None:
    """Fail, naming the failing line of the block where bash says which, unless
    the command exited as the page expects."""
    if result.exit_status == expected:
        return
    if result.exit_status is None:
        status = f"killed after its timeout of {block.options.get('timeout', DEFAULT_TIMEOUT)} s"
    else:
        status = f"{result.exit_status} (expected {expected})"
    bash_line = _BASH_LINE.search(result.output)
    if bash_line and block.kind in (Kind.SHELL, Kind.HIDDEN):
        line = block.line + int(bash_line.group(1))
        command = block.source.split("\n")[int(bash_line.group(1)) - 1]
    raise GuideFailure(
        f"{block.page}:{line} {context.label} {block.kind} block failed\n\n"
        f"command:\n{indent(command)}\n\nexit status: {status}\n\n"
        f"last output lines:\n{indent(result.tail() or '(no output)')}"
    )


def evaluate_hidden(block: Block, context: Context) -> Outcome:
    if "background" in block.options:  # a stand-in the page's own blocks talk to, such as a test server
        evaluate_background(block, context)
        return Outcome(Status.HIDDEN, "hidden setup, in the background")
    result = context.session.run(block.source, timeout_of(block))
    check_exit(block, block.line, block.source, result, 0, context)
    return Outcome(Status.HIDDEN, "hidden setup")


def evaluate_shell(block: Block, context: Context) -> Outcome:
    if "background" in block.options:
        return evaluate_background(block, context)
    result = context.session.run(block.source, timeout_of(block))
    check_exit(block, block.line, block.source, result, expected_exit_of(block), context)
    return Outcome(Status.EXECUTED)


def evaluate_background(block: Block, context: Context) -> Outcome:
    """Run "in a second terminal" and wait until its URL answers."""
    session = context.session
    log = session.scratch / f"background-{block.line}.log"
    process = session.start_background(block.source, log)
    url = block.options.get("url") or (
        f"http://127.0.0.1:{block.options['port']}/" if "port" in block.options else None)
    if url:
        problem = wait_for_url(url, float(block.options.get("timeout", 60)), process)
        if problem:
            tail = "\n".join(log.read_text(errors="replace").splitlines()[-20:])
            raise GuideFailure(
                f"{block.where} {context.label} background command did not come up: {problem}\n\n"
                f"command:\n{indent(block.source)}\n\nlast output lines:\n{indent(tail or '(no output)')}"
            )
    return Outcome(Status.EXECUTED, f"in the background{f', waited for {url}' if url else ''}")


def evaluate_console(block: Block, context: Context) -> Outcome:
    """Run each `$ ` command and compare its output with the page; with
    `converge=N`, retry (backing off) until it matches or N seconds pass."""
    try:
        commands = console.parse(block.source, console.output_lines_of(block.options))
        placeholders = console.placeholders_of(block.options)
    except ValueError as error:
        raise GuideFailure(f"{block.where}: {error}") from None
    session, timeout, expected_exit = context.session, timeout_of(block), expected_exit_of(block)
    deadline = float(block.options["converge"]) if "converge" in block.options else 0
    # answers="Prompt: =>answer|Password: =>secret": typed at each prompt, in a terminal.
    answers = pairs(block.options.get("answers", ""))
    for command in commands:
        line = block.line + 1 + command.line
        started, pause = time.monotonic(), 1.0
        while True:
            if answers:
                result = session.run_interactive(command.command, answers, timeout)
            else:
                result = session.run(command.command, timeout)
            ok = result.exit_status == expected_exit and console.matches(
                command.expected, result.output, result.streams, placeholders)
            remaining = deadline - (time.monotonic() - started)
            if ok or remaining <= 0:
                break
            time.sleep(min(pause, remaining))
            pause = min(pause * 2, 10)
        check_exit(block, line, command.command, result, expected_exit, context)
        if not ok:
            waited = f" (retried for {deadline:.0f} s)" if deadline else ""
            raise GuideFailure(
                f"{block.page}:{line} {context.label} output differs from the page{waited}\n\n"
                f"command:\n{indent(command.command)}\n\n{console.diff(command.expected, result.output)}"
            )
    return Outcome(Status.VERIFIED, f"{len(commands)} command(s)")


def evaluate_config(block: Block, context: Context) -> Outcome:
    """Write the file the block's title names (unless parse-only), then check it with its tool."""
    session = context.session
    path = None
    if block.title and "parse-only" not in block.options:
        path = session.cwd / block.title
        try:
            session.write_file(path, block.source)
        except OSError as error:
            raise GuideFailure(f"{block.where} {context.label} cannot write {block.title}: {error}")
    try:
        how = configs.check(block.language, configs.ConfigBlock(block.source, path, session.env, session.cwd))
    except Exception as error:  # any parser's error means the same: the block is broken
        raise GuideFailure(f"{block.where} {context.label} {block.language} block is not valid: {error}")
    return Outcome(Status.PARSED, f"{'written to ' + block.title + ', ' if path else ''}checked by {how}")


def evaluate_outcome(block: Block, context: Context) -> Outcome:
    """What the page promises its reader at the end, checked the way the reader
    gets it: sign in at the page's URL in a real browser (guide_runner/browser.py, in the
    scenario's browser process, guide_runner/browser_worker.py),
    see what it names, open a table, do the page's steps in the browser and
    take its pictures (the newest release's, into docs/); or, with `refused`,
    see the sign-in refused. On a server, the browser reaches the
    server's address under every host name, as DNS would."""
    options, session = block.options, context.session
    missing = [name for name in ("url", "user", "password-file") if not options.get(name)]
    if missing:
        raise GuideFailure(f"{block.where}: an outcome check needs {', '.join(missing)}=")
    words = current().sign_in
    if words is None:
        raise GuideFailure(f"{block.where}: an outcome check signs in, and [tool.guide_runner.sign-in] in "
                           "pyproject.toml does not say how the sign-in page reads: set its heading, "
                           "signed-in (the button to sign out) and refused (the message of a refused sign-in)")
    command = ["--url", options["url"], "--user", options["user"],
               "--password-file", str(session.cwd / options["password-file"]), *sign_in_options(words)]
    for text in filter(None, options.get("sees", "").split("|")):
        command += ["--sees", text]
    if options.get("table"):
        command += ["--table", options["table"]]
    if "refused" in options:  # the sign-in must fail: a removed user, an old password
        if options.get("table") or options.get("steps"):
            raise GuideFailure(f"{block.where}: a refused sign-in (refused) has no table= or steps to check")
        command += ["--refused"]
    if options.get("ca"):
        command += ["--ca", str(_local_copy(options["ca"], session))]
    if session.machine is not None:
        # Every name the browser meets is the server's, as DNS would have it: the URL's, and
        # the one it redirects to (an old domain name sent to the new one).
        command += ["--resolve", f"*={session.machine.address()}"]
    if options.get("steps"):
        steps = session.scratch / f".outcome-steps-{block.line}.yaml"
        steps.write_text(options["steps"])
        command += ["--steps", str(steps)]
        if block.page.newest:  # the site shows the newest release's pictures; older renditions only check
            command += ["--pictures", str((current().root / block.page.path).parent)]
    # In the page's directory: a step may fill a field from a file the page made.
    status, seen = session.browser.check(command, session.cwd, float(options.get("timeout", 120)))
    if status:
        raise GuideFailure(
            f"{block.where} {context.label} outcome not reached: {seen.strip().removeprefix('outcome not reached: ')}"
            f"\n\nthe page promises:\n{indent(block.source or '(no sentence after the check)')}")
    return Outcome(Status.VERIFIED, f"outcome: {seen.strip()}")


def _local_copy(path: str, session: Session) -> Path:
    """A file the page names (a CA certificate), where the browser on the test host reads it."""
    if session.machine is None:
        return session.cwd / path
    copy = session.scratch / f".outcome-{Path(path).name}"
    copy.write_bytes(session.machine.read_file(path))
    return copy


def evaluate_unknown(block: Block, context: Context) -> Outcome:
    return Outcome(Status.NOT_COLLECTED, f"no runner for language {block.language!r}")


EVALUATORS: dict[Kind, Callable[[Block, Context], Outcome]] = {
    Kind.SHELL: evaluate_shell,
    Kind.CONSOLE: evaluate_console,
    Kind.CONFIG: evaluate_config,
    Kind.HIDDEN: evaluate_hidden,
    Kind.OUTCOME: evaluate_outcome,
    Kind.UNKNOWN: evaluate_unknown,
    # Kind.TEARDOWN blocks run at the end of the scenario (scenario.py).
}


def evaluate(block: Block, context: Context) -> Outcome:
    """The block's options first (skip, a test-only substitution), then its kind's evaluator."""
    if "skip" in block.options:
        if not block.options["skip"].strip():
            raise GuideFailure(f"{block.where}: a skipped block must say why: <!-- test: skip=\"reason\" -->")
        return Outcome(Status.SKIPPED, block.options["skip"])
    if "replace" in block.options:  # a test-only substitution, e.g. a download URL -> a local file
        block = substituted(block, block.options["replace"])
    if "on" in block.options:
        context = Context(terminal_for(block, context.session), context.variant, context.snapshot)
    outcome = EVALUATORS[block.kind](block, context)
    if "leaves-nothing" in block.options:
        check_nothing_left(block, context)
    return outcome


# Where a block of a page for a server runs instead of the server: `on="your computer"`.
YOUR_COMPUTER = "your computer"


def terminal_for(block: Block, session: Session) -> Session:
    """Where the block runs: the page's terminal (on a page for a server, the
    server), or with `on="your computer"` the reader's own computer (the test
    host, in a terminal of its own): an SSH tunnel, the browser at
    http://127.0.0.1:8000 through it."""
    where = block.options.get("on")
    if where is None:
        return session
    if where != YOUR_COMPUTER:
        raise GuideFailure(f'{block.where}: on="{where}": a block runs on the server '
                           f'the page is for, or on="{YOUR_COMPUTER}"')
    return session.computer


def check_nothing_left(block: Block, context: Context) -> None:
    """`leaves-nothing`: after this block (an uninstall), the Docker engine holds
    nothing the scenario made: no container, network, volume or tagged image.
    Checked here, before any teardown could hide a leftover."""
    if context.snapshot is None:
        raise GuideFailure(f"{block.where}: leaves-nothing needs the Docker engine, and this scenario has none")
    # except="$RUNNER_SANDBOX-pg": a container the page keeps, such as a stand-in for the reader's own server.
    kept = {string.Template(name).safe_substitute(context.session.env)
            for name in block.options.get("except", "").split()}
    for name in list(kept):  # and the volumes those containers use (an image's anonymous ones too)
        mounts = subprocess.run(["docker", "inspect", "-f", "{{range .Mounts}}{{.Name}} {{end}}", name],
                                capture_output=True, text=True)
        kept.update(mounts.stdout.split())
    left = context.snapshot.leftovers()
    named = [described for kind, idents in left.items() for ident in idents
             if not (kind == "image" and ident.startswith("sha256:"))  # untagged build layers
             and (described := describe(kind, ident)).split(" ")[1] not in kept]
    if named:
        raise GuideFailure(f"{block.where} {context.label} the page says nothing is left, but the Docker "
                           f"engine still holds what this scenario made:\n" + indent("\n".join(named)))
