"""Run a page's commands the way a reader runs them in one terminal.

Each block runs in a fresh `bash`, which first restores what the previous
block left: the working directory, exported variables and plain shell
variables. So `cd`, `export` and `NAME=value` carry from block to block, and a
hung block can be killed (with its whole process group) without losing the
page's state.
"""

from __future__ import annotations

import io
import os
import selectors
import signal
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .browser_worker import BrowserWorker
    from .machines import Machine

# Variables bash manages itself; restoring them would break the new shell.
_BASH_OWN = (
    "BASH BASHOPTS BASHPID BASH_ALIASES BASH_ARGC BASH_ARGV BASH_ARGV0 BASH_CMDS BASH_COMMAND "
    "BASH_LINENO BASH_SOURCE BASH_SUBSHELL BASH_VERSINFO BASH_VERSION COLUMNS COMP_WORDBREAKS DIRSTACK "
    "EPOCHREALTIME EPOCHSECONDS EUID FUNCNAME GROUPS HISTCMD HOSTNAME HOSTTYPE IFS LINENO LINES MACHTYPE "
    "OLDPWD OPTERR OPTIND OSTYPE PIPESTATUS PPID PS4 PWD RANDOM SECONDS SHELLOPTS SHLVL SRANDOM UID _"
).split()

# The runner's own variables (RUNNER_*) are not kept: each block gets them
# from the scenario, also one that starts from another's checkpoint.
# Aliases expand as in the reader's (interactive) terminal; functions and
# aliases a block defines are kept for the next block, like its variables.
_PRELUDE = """\
shopt -s expand_aliases
__rb_before=$(compgen -v)
[[ -f {state} ]] && source {state}
cd {cwd}
__rb_save() {{
    local rc=$?
    {{
        export -p | grep -v -E '^declare -x ({own}|RUNNER_[A-Z_]+)='
        comm -13 <(sort <<<"$__rb_before") <(compgen -v | sort) | grep -v -x -E '__rb_.*|{own_alt}' |
            while read -r name; do declare -p "$name" 2>/dev/null; done | grep -E '^declare -[-a-zA-Z]* '
        compgen -A function | grep -v -x -E '__rb_.*' | while read -r name; do declare -f "$name"; done
        alias -p
    }} > {state}.new && mv {state}.new {state}
    pwd > {cwdfile}
    return $rc
}}
trap __rb_save EXIT
set -e -o pipefail
"""


@dataclass
class Result:
    command: str
    exit_status: int | None  # None: killed after its timeout
    output: str  # both streams, line by line in the order the lines came
    seconds: float
    # stdout and stderr apart; None where one terminal shows them (interactive blocks)
    streams: tuple[str, str] | None = None

    def tail(self, lines: int = 20) -> str:
        return "\n".join(self.output.rstrip("\n").split("\n")[-lines:])


class Session:
    """A reader's terminal for one page: a scratch directory and its state."""

    def __init__(self, scratch: Path, env: dict[str, str], machine: "Machine | None" = None):
        self.scratch = scratch
        self.machine = machine  # run on this server instead of the test host
        self.home = scratch / "home"
        self.home.mkdir(parents=True, exist_ok=True)
        self.state = scratch / ".runner-state.sh"
        self.cwdfile = scratch / ".runner-cwd"
        if not self.cwdfile.exists():  # it does in a scratch folder put back from a checkpoint
            self.cwdfile.write_text(str(self.home))
        self.env = env
        self.background: list[subprocess.Popen] = []
        self.count = 0
        self._browser: "BrowserWorker | None" = None
        self._computer: "Session | None" = None

    @property
    def computer(self) -> "Session":
        """On a page for a server: the reader's own computer, a second terminal
        on the test host with a home of its own (`<!-- test: on="your computer" -->`),
        e.g. for the SSH tunnel to the server. On a page for the test host, the same terminal."""
        if self.machine is None:
            return self
        if self._computer is None:
            scratch = self.scratch / "your-computer"
            # Made here, before the server's blocks may write into it (the scratch directory is shared).
            (scratch / "home").mkdir(parents=True, exist_ok=True)
            self._computer = Session(scratch, {**self.env, "HOME": str(scratch / "home")})
        return self._computer

    @property
    def browser(self) -> "BrowserWorker":
        """The browser process of this page's outcome checks, started for the first."""
        if self._browser is None:
            from .browser_worker import BrowserWorker

            self._browser = BrowserWorker()
        return self._browser

    def close_browser(self) -> None:
        if self._browser is not None:
            self._browser.close()
            self._browser = None

    @property
    def cwd(self) -> Path:
        cwd = Path(self.cwdfile.read_text().strip() or self.home)
        # A page may delete the directory it is in (an uninstall): the next
        # block, a teardown say, starts from home instead of failing to start.
        if self.machine is None and not cwd.is_dir():
            return self.home
        return cwd

    def _script(self, source: str) -> Path:
        own = "|".join(_BASH_OWN)
        prelude = _PRELUDE.format(state=self.state, cwd=f'"{self.cwd}"', cwdfile=self.cwdfile, own=own, own_alt=own)
        # The block sits in a file of its own, so bash's own error messages
        # ("block: line 3: ...") count lines from the top of the block.
        self.count += 1
        block = self.scratch / f".block-{self.count}"
        block.write_text(source + "\n")
        script = self.scratch / f".runner-script-{self.count}.sh"
        script.write_text(prelude + f"source {block}\n")
        return script

    def _argv(self, script: Path, terminal: bool = False) -> tuple[list[str], Path]:
        """The command that runs `script`, and the directory to start it in."""
        if self.machine is None:
            return ["bash", str(script)], self.cwd
        # The prelude cds to the reader's directory, which may exist only on the server.
        return self.machine.exec_argv(self.env, "bash", str(script), terminal=terminal), self.scratch

    def write_file(self, path: Path, text: str) -> None:
        if self.machine is None:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        else:
            self.machine.write_file(path, text)

    def _as_shown(self, output: str) -> str:
        """bash names the block's file in its errors: call it "block" instead."""
        return output.replace(str(self.scratch / f".block-{self.count}"), "block")

    def run(self, source: str, timeout: float) -> Result:
        argv, cwd = self._argv(self._script(source))
        started = time.monotonic()
        process = subprocess.Popen(
            argv, cwd=cwd, env=self.env, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
        )
        try:
            merged, out, err, finished = _read_streams(process, started + timeout)
            if finished:
                status = process.wait()
            else:
                _kill_group(process)
                more, more_out, more_err, _ = _read_streams(process, time.monotonic() + 10)
                merged, out, err = merged + more, out + more_out, err + more_err
                process.wait()
                status = None
        except BaseException:  # Ctrl-C: take the block's processes down with us
            _kill_group(process)
            raise
        shown = [self._as_shown(text.decode(errors="replace")) for text in (merged, out, err)]
        return Result(source, status, shown[0], time.monotonic() - started, (shown[1], shown[2]))

    def run_interactive(self, source: str, answers: list[tuple[str, str]], timeout: float) -> Result:
        """Run in a pseudo-terminal, as a reader types: wait for each prompt,
        then type its answer. The output is what the reader's screen shows
        (answers echoed, passwords not)."""
        import pexpect  # only interactive blocks need it

        argv, cwd = self._argv(self._script(source), terminal=True)
        started = time.monotonic()
        screen = io.StringIO()
        child = pexpect.spawn(argv[0], argv[1:], cwd=str(cwd), env=self.env, timeout=timeout,
                              encoding="utf-8", codec_errors="replace", dimensions=(50, 200))
        child.logfile_read = screen
        try:
            for prompt, answer in answers:
                child.expect_exact(prompt)
                child.sendline(answer)
            child.expect(pexpect.EOF)
            child.close()
            status = child.exitstatus if child.exitstatus is not None else 128 + (child.signalstatus or 0)
        except pexpect.TIMEOUT:
            status = None
        except pexpect.EOF:  # ended before a prompt it should have shown
            child.close()
            status = child.exitstatus if child.exitstatus not in (None, 0) else 1
            screen.write(f"\n[the command ended before showing the prompt {prompt!r}]")
        finally:
            if child.isalive():
                child.terminate(force=True)
        return Result(source, status, self._as_shown(screen.getvalue().replace("\r\n", "\n")),
                      time.monotonic() - started)

    def start_background(self, source: str, log: Path) -> subprocess.Popen:
        """Run a command "in a second terminal": it keeps running while the
        page goes on, and stop_background() ends it with the page."""
        argv, cwd = self._argv(self._script(source))
        process = subprocess.Popen(
            argv, cwd=cwd, env=self.env, stdin=subprocess.DEVNULL,
            stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True,
        )
        self.background.append(process)
        return process

    def has_background(self) -> bool:
        """A command of this terminal, or of the reader's computer's, still runs in the background."""
        running = any(process.poll() is None for process in self.background)
        return running or (self._computer is not None and self._computer.has_background())

    def stop_background(self) -> list[str]:
        stopped = self._computer.stop_background() if self._computer is not None else []
        for process in self.background:
            if process.poll() is None:
                stopped.append(str(process.pid))
                _kill_group(process, signal.SIGTERM, grace=10)
        self.background.clear()
        return stopped


def _read_streams(process: subprocess.Popen, deadline: float) -> tuple[bytes, bytes, bytes, bool]:
    """Read stdout and stderr until both close or `deadline`: (both streams
    as whole lines in the order the lines came, stdout, stderr, closed).

    Apart, because a program's two streams have no order between them once
    they pass through Docker or ssh (`docker run` copies each on its own): a
    page that shows a warning before the ok lines is right whichever comes
    first here, as long as each stream's own lines keep their order
    (console.matches)."""
    selector = selectors.DefaultSelector()
    pending = {process.stdout: b"", process.stderr: b""}
    apart = {process.stdout: bytearray(), process.stderr: bytearray()}
    merged = bytearray()
    for stream in pending:
        os.set_blocking(stream.fileno(), False)
        selector.register(stream, selectors.EVENT_READ)
    try:
        while selector.get_map():
            left = deadline - time.monotonic()
            if left <= 0:
                merged += b"".join(pending.values())
                return bytes(merged), bytes(apart[process.stdout]), bytes(apart[process.stderr]), False
            for key, _ in selector.select(min(left, 1.0)):
                stream = key.fileobj
                chunk = os.read(stream.fileno(), 65536)
                if not chunk:
                    selector.unregister(stream)
                    merged += pending[stream]
                    pending[stream] = b""
                    continue
                apart[stream] += chunk
                lines, _, rest = (pending[stream] + chunk).rpartition(b"\n")
                if _:
                    merged += lines + b"\n"
                pending[stream] = rest
    finally:
        selector.close()
    return bytes(merged), bytes(apart[process.stdout]), bytes(apart[process.stderr]), True


def _kill_group(process: subprocess.Popen, sig=signal.SIGKILL, grace: float = 0) -> None:
    try:
        os.killpg(process.pid, sig)
        if grace:
            process.wait(timeout=grace)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def wait_for_url(url: str, deadline: float, process: subprocess.Popen | None = None) -> str | None:
    """Poll `url` until it answers below 500. Returns None, or why it gave up."""
    end = time.monotonic() + deadline
    last = "no answer"
    while time.monotonic() < end:
        if process is not None and process.poll() is not None:
            return f"the background command exited with status {process.returncode}"
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return None if response.status < 500 else f"HTTP {response.status}"
        except urllib.error.HTTPError as error:
            if error.code < 500:
                return None
            last = f"HTTP {error.code}"
        except OSError as error:
            last = str(error)
        time.sleep(0.5)
    return f"{url} did not answer within {deadline:.0f} s (last: {last})"
