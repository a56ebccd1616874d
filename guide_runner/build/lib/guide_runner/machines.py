"""Run a page on a fresh server instead of the test host.

A guide for a server (Install without Docker) must not change the machine
the tests run on. Its page says which server it needs:

    <!-- test-page: machine="debian-12" -->

and the runner starts that server as a container for the scenario: systemd
runs as PID 1, so `systemctl`, `journalctl` and packages that start services
behave as on a real server. Every block then runs in it, through
`docker exec`, as the server's sudo user. The scenario's scratch directory
is mounted at the same path, so the runner's carried shell state and the
reader's home work unchanged; the repository is mounted read-only at its own
path, so hidden blocks can still use `$RUNNER_REPO`. The server is removed
with the scenario, whatever happened.
"""

from __future__ import annotations

import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from .project import current
from .sandbox import MADE, docker_available

_NO_DOCKER = {
    True: "a test server is a Docker container, and this machine has no Docker engine that answers "
          "(docker info failed): install Docker, or start it",
    False: "pages run in a throwaway container unless [tool.guide_runner] says run-pages-in = \"host\" "
           "(or the page says machine=\"host\"), and this machine has no Docker engine that answers "
           "(docker info failed): install Docker, or choose to run the pages on this machine",
}


@dataclass(frozen=True)
class Spec:
    image: str  # systemd as PID 1; the project builds it (its build-images command)
    user: str  # the reader: a user with sudo, as on a cloud server
    boots: bool = True  # False: a throwaway container that only runs the blocks, as root


THROWAWAY = "throwaway container"  # the machine of a page that names none (run-pages-in = "container")


def known() -> dict[str, Spec]:
    """The project's test servers, by the name a page gives (`[tool.guide_runner.machines]`)."""
    return {name: Spec(image, user) for name, (image, user) in current().machines.items()}
# Passed into the server; everything else (PATH first) is the server's own.
PASSED = ("HOME", "TERM", "NO_COLOR", "RUNNER_REPO", "RUNNER_SANDBOX")


class MachineError(Exception):
    pass


class Machine:
    def __init__(self, name: str, container: str, scratch: Path, spec: Spec | None = None):
        machines = {name: spec} if spec else known()
        if name not in machines:
            raise MachineError(f"unknown machine {name!r}: [tool.guide_runner.machines] in pyproject.toml names "
                               f"{', '.join(sorted(machines)) or 'none'}")
        self.name = name
        self.spec = machines[name]
        self.container = container
        self.scratch = scratch

    @classmethod
    def throwaway(cls, image: str, container: str, scratch: Path) -> "Machine":
        """A container of `image` that only runs a page's blocks, as root, and goes with the scenario."""
        return cls(THROWAWAY, container, scratch, Spec(image, "root", boots=False))

    def start(self, boot_timeout: float = 90, image: str | None = None) -> None:
        """Boot the server: a fresh one, or `image`, a checkpoint of one (checkpoints.py)."""
        root = current().root  # read-only: $RUNNER_REPO
        if not docker_available():
            raise MachineError(_NO_DOCKER[self.spec.boots])
        if not self.spec.boots:
            _docker("run", "-d", "--name", self.container, "--label", f"{MADE}=throwaway-container",
                    "-v", f"{self.scratch}:{self.scratch}", "-v", f"{root}:{root}:ro",
                    "--entrypoint", "sleep", self.spec.image, "infinity")
            return
        # systemd in a container without --privileged, as measured on this kind of machine (CONTRIBUTING.md, "The machine").
        _docker("run", "-d", "--name", self.container, "--hostname", "server", "--label", f"{MADE}=test-server",
                "--cgroupns=host", "-v", "/sys/fs/cgroup:/sys/fs/cgroup:rw",
                "--tmpfs", "/run", "--tmpfs", "/run/lock",
                "-v", f"{self.scratch}:{self.scratch}", "-v", f"{root}:{root}:ro", image or self.spec.image)
        deadline = time.monotonic() + boot_timeout
        state = ""
        while time.monotonic() < deadline:
            run = subprocess.run(["docker", "exec", self.container, "systemctl", "is-system-running"],
                                 capture_output=True, text=True)
            state = run.stdout.strip()
            if state in ("running", "degraded"):
                break
            time.sleep(0.5)
        else:
            raise MachineError(f"machine {self.name} did not boot in {boot_timeout:.0f} s (state: {state or 'none'})\n"
                               + self.diagnostics())
        # The reader owns their home and the runner's state files in it.
        self.root("chown", "-R", f"{self.spec.user}:{self.spec.user}", str(self.scratch))

    def reboot(self, image: str) -> None:
        """Boot again from `image` (a commit of this server), as a restore from a checkpoint boots."""
        subprocess.run(["docker", "rm", "-f", "-v", self.container], capture_output=True)
        self.start(image=image)

    def root(self, *command: str) -> subprocess.CompletedProcess:
        return _docker("exec", "-u", "root", self.container, *command)

    def exec_argv(self, env: dict[str, str], *command: str, terminal: bool = False) -> list[str]:
        """`docker exec` as the reader, with the page's few own variables."""
        argv = ["docker", "exec", "-it" if terminal else "-i", "-u", self.spec.user,
                "-e", "LANG=C.UTF-8", "-e", f"USER={self.spec.user}", "-e", f"LOGNAME={self.spec.user}"]
        for key in PASSED:
            if key in env:
                argv += ["-e", f"{key}={env[key]}"]
        return argv + [self.container, *command]

    def write_file(self, path: Path, text: str) -> None:
        """Write a file as the reader, on the server."""
        run = subprocess.run(["docker", "exec", "-i", "-u", self.spec.user, self.container,
                              "sh", "-c", 'mkdir -p "$(dirname "$1")" && cat > "$1"', "-", str(path)],
                             input=text.encode(), capture_output=True)
        if run.returncode:
            raise OSError(f"cannot write {path} as {self.spec.user}: {run.stderr.decode().strip()}")

    def address(self) -> str:
        """The server's address on Docker's bridge, which the test host reaches."""
        return _docker("inspect", "-f", "{{.NetworkSettings.IPAddress}}", self.container).stdout.strip()

    def read_file(self, path: str) -> bytes:
        """A file of the server's, read as root."""
        run = subprocess.run(["docker", "exec", "-u", "root", self.container, "cat", path], capture_output=True)
        if run.returncode:
            raise OSError(f"cannot read {path} on the server: {run.stderr.decode().strip()}")
        return run.stdout

    def diagnostics(self) -> str:
        """What went wrong on the server: failed units and the journal's last lines."""
        if not self.spec.boots:
            return ""  # a throwaway container has no systemd: the block's own output says it
        failed = subprocess.run(["docker", "exec", self.container, "systemctl", "--failed", "--no-legend"],
                                capture_output=True, text=True).stdout.strip()
        journal = subprocess.run(["docker", "exec", self.container, "journalctl", "--no-pager", "-n", "300",
                                  "-p", "warning"], capture_output=True, text=True).stdout.splitlines()
        # systemd in a container cannot read cgroup IDs: harmless, and it floods the journal.
        journal = "\n".join([line for line in journal if "Failed to get cgroup ID" not in line][-25:])
        return (f"failed units on the machine:\n{failed or '(none)'}\n\n"
                f"journal of the machine (warnings, last lines):\n{journal or '(empty)'}")

    def remove(self) -> None:
        # Hand the scratch directory back to the runner's user, so it can delete it
        # (not there if the server never started: the clean-up goes on all the same).
        subprocess.run(["docker", "exec", "-u", "root", self.container,
                        "chown", "-R", f"{os.getuid()}:{os.getgid()}", str(self.scratch)], capture_output=True)
        subprocess.run(["docker", "rm", "-f", "-v", self.container], capture_output=True)


def _docker(*args: str) -> subprocess.CompletedProcess:
    run = subprocess.run(["docker", *args], capture_output=True, text=True)
    if run.returncode != 0:
        raise MachineError(f"docker {args[0]} failed: {run.stderr.strip()}")
    return run
