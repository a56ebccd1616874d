"""Lanes: a Docker engine of its own in a network namespace of its own.

Pages use the names and ports a reader types (`127.0.0.1:8000`, the container
`rowbook`, the Compose project `rowbook`), so two of them cannot share an
engine or a loopback. In a lane they need not: the lane's engine and every
process of its test worker live in the lane's network namespace, where
`127.0.0.1:8000` is the lane's own, and the leak check diffs the lane's engine
only (labelled `guide-runner.lane`, so it may remove whatever is new in it).
The page runs byte for byte as its reader sees it.

A lane is made of:

- a network namespace `guide-runner-lane-N` with its loopback up;
- slirp4netns on a tap device in it: the way out to Debian's archive, and to
  the test host's loopback as 10.0.2.2 (the local registry, Docker Hub's
  stand-in: scripts/local-registry.sh);
- dockerd entered into the namespace with `nsenter --net` (`ip netns exec`
  remounts /sys and hides cgroup v1 from it), on overlay2, with its own data
  and exec roots, socket, cgroup parent and key (so its own engine ID);
- the main engine's images, by `docker save` / `docker load` (same IDs).

`start` and `stop` are idempotent; `stop` also clears what a half-started or
killed lane left (processes, mounts, cgroups, the namespace, the folders). The
main engine is only read (its images), never changed.

    python -m guide_runner.lanes start 2     two free lanes (1 and 2 if free), images loaded
    python -m guide_runner.lanes start 2 --for PID   the same, for the tests process PID runs
    python -m guide_runner.lanes stop        every lane, whatever its state
    python -m guide_runner.lanes list
    python -m guide_runner.lanes run 1 docker ps   a command in lane 1
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from . import project
from .project import LaneImages
from .sandbox import LANE

PREFIX = "guide-runner-lane-"
DATA = Path("/var/lib/guide-runner-lanes")  # engines' storage (images, containers)
RUN = Path("/run/guide-runner-lanes")  # sockets, pid files, exec roots
NETNS = Path("/run/netns")
CGROUPS = Path("/sys/fs/cgroup")  # cgroup v1: one folder per controller, the lane's cgroup-parent in each
# The host's loopback as slirp4netns shows it inside the namespace.
HOST_LOOPBACK = "10.0.2.2"


class LaneError(Exception):
    pass


@dataclass(frozen=True)
class Lane:
    number: int

    @property
    def name(self) -> str:
        return f"{PREFIX}{self.number}"

    @property
    def netns(self) -> Path:
        return NETNS / self.name

    @property
    def data(self) -> Path:
        return DATA / str(self.number)

    @property
    def run(self) -> Path:
        return RUN / str(self.number)

    @property
    def socket(self) -> Path:
        return self.run / "docker.sock"

    @property
    def docker_host(self) -> str:
        return f"unix://{self.socket}"

    @property
    def log(self) -> Path:
        return self.data / "dockerd.log"

    def docker(self, *args: str, **kwargs) -> subprocess.CompletedProcess:
        return subprocess.run(["docker", "-H", self.docker_host, *args], capture_output=True, text=True, **kwargs)

    def answers(self) -> bool:
        return self.socket.exists() and self.docker("version", "--format", "{{.Server.Version}}").returncode == 0

    def engine_id(self) -> str:
        return self.docker("info", "--format", "{{.ID}}").stdout.strip()

    def command(self, *argv: str) -> list[str]:
        """argv, run in the lane: its namespace, its engine."""
        return ["nsenter", f"--net={self.netns}", "env", f"DOCKER_HOST={self.docker_host}", *argv]

    # -- start -----------------------------------------------------------

    def start(self, say=print) -> None:
        if self.answers():
            return
        self.stop()  # whatever a half-started or killed lane left
        for folder in (self.data, self.run):
            folder.mkdir(parents=True, exist_ok=True)
        _run("ip", "netns", "add", self.name)
        _run("ip", "netns", "exec", self.name, "ip", "link", "set", "lo", "up")
        self._start_slirp()
        self._start_engine()
        say(f"lane {self.number}: engine {self.engine_id()[:14]} in namespace {self.name}")

    def _start_slirp(self) -> None:
        read, write = os.pipe()
        with open(self.data / "slirp4netns.log", "wb") as log:
            process = subprocess.Popen(
                ["slirp4netns", "--configure", "--mtu=65520", f"--ready-fd={write}",
                 "--netns-type=path", str(self.netns), "tap0"],
                stdout=log, stderr=subprocess.STDOUT, pass_fds=(write,), start_new_session=True)
        os.close(write)
        (self.run / "slirp4netns.pid").write_text(f"{process.pid}\n")
        ready = os.read(read, 1)  # "1" once tap0 is configured; empty if it died
        os.close(read)
        if ready != b"1":
            raise LaneError(f"lane {self.number}: slirp4netns did not start:\n"
                            + (self.data / "slirp4netns.log").read_text()[-2000:])

    def _start_engine(self, timeout: float = 60) -> None:
        config = self.data / "daemon.json"
        config.write_text(json.dumps({
            "data-root": str(self.data / "docker"),
            "exec-root": str(self.run / "exec"),
            "pidfile": str(self.run / "docker.pid"),
            "hosts": [self.docker_host],
            "cgroup-parent": self.name,
            # Its own key, so its own engine ID (else it reports the main engine's).
            "deprecated-key-path": str(self.data / "key.json"),
            "storage-driver": "overlay2",
            # The run's own engine: its leak check may remove whatever is new in it (sandbox.py).
            "labels": [f"{LANE}={self.number}"],
            "registry-mirrors": [f"http://{HOST_LOOPBACK}:5000"],
            "insecure-registries": [f"{HOST_LOOPBACK}:5000"],
        }, indent=2))
        with open(self.log, "wb") as log:
            subprocess.Popen(["nsenter", f"--net={self.netns}", "dockerd", "--config-file", str(config)],
                             stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                             start_new_session=True)
        deadline = time.monotonic() + timeout
        while not self.answers():
            if time.monotonic() > deadline:
                raise LaneError(f"lane {self.number}: the engine did not answer in {timeout:.0f} s:\n"
                                + self.log.read_text(errors="replace")[-3000:])
            time.sleep(0.2)

    def load_images(self, archive: Path, wanted: dict[str, str]) -> None:
        """Load the images unless the lane has them all already (same tags, same IDs)."""
        if self.images() == wanted:
            return
        with open(archive, "rb") as tar:
            run = subprocess.run(["docker", "-H", self.docker_host, "load", "-q"], stdin=tar,
                                 capture_output=True, text=True)
        if run.returncode or self.images() != wanted:
            raise LaneError(f"lane {self.number}: loading the images failed: {run.stderr.strip()}")

    def images(self) -> dict[str, str]:
        return _tagged_images(["docker", "-H", self.docker_host])

    # -- stop ------------------------------------------------------------

    def stop(self) -> None:
        """Remove everything of the lane, whatever state it is in."""
        if self.answers():
            ids = self.docker("ps", "-aq").stdout.split()
            if ids:
                self.docker("rm", "-f", "-v", *ids, timeout=120)
        _stop_pid(self.run / "docker.pid", timeout=20)
        # What outlived a killed engine: containerd and the shims in the lane's
        # namespace, and the containers' processes (each in a namespace of its
        # own, but in the lane's cgroup).
        left = [int(pid) for pid in _run("ip", "netns", "pids", self.name, check=False).stdout.split()] \
            if self.netns.exists() else []
        left += _cgroup_processes(self.name)
        for pid in left:
            _kill(pid, signal.SIGKILL)
        _wait_gone(left, timeout=10)
        _stop_pid(self.run / "slirp4netns.pid", timeout=5)
        for mount in _mounts_under(self.data, self.run, self.netns):
            subprocess.run(["umount", "-l", mount], capture_output=True)
        if self.netns.exists():
            _run("ip", "netns", "delete", self.name, check=False)
        _remove_cgroups(self.name)
        shutil.rmtree(self.data, ignore_errors=True)
        shutil.rmtree(self.run, ignore_errors=True)

    def leftovers(self) -> list[str]:
        """What of the lane exists now (empty after a stop)."""
        found = [str(p) for p in (self.netns, self.data, self.run) if p.exists()]
        found += _mounts_under(self.data, self.run, self.netns)
        found += [str(p) for p in _cgroups(self.name)]
        return found


# -- many lanes --------------------------------------------------------------


CLAIMS = RUN / "claims"  # N: the pid of the run that owns lane N
HANDED_ON = "for"  # after the pid: started for that run's tests to take (claim)


def existing() -> list[Lane]:
    """Every lane with anything left on this machine."""
    numbers = {int(p.name.removeprefix(PREFIX)) for p in NETNS.glob(f"{PREFIX}*")
               if p.name.removeprefix(PREFIX).isdigit()}
    for root in (DATA, RUN, CLAIMS):
        numbers |= {int(p.name) for p in root.glob("*") if p.name.isdigit()}
    return [Lane(n) for n in sorted(numbers)]


def claim(count: int, owner: int | None = None, handed_on: bool = False) -> list[Lane]:
    """`count` lanes no other run owns, the lowest numbers first. A claim is a
    file made with O_EXCL, so two runs never get the same lane; a claim whose
    run is gone is taken over (its lane is stopped when started). A lane
    claimed `handed_on` by a process this one runs under is taken as it is:
    scripts/test.sh starts the lanes (`start --for`) while the Debian packages
    build, and its pytest takes them."""
    owner = owner or os.getpid()
    CLAIMS.mkdir(parents=True, exist_ok=True)
    claimed: list[Lane] = []
    number = 0
    ours = _ancestors(owner)
    while len(claimed) < count:
        number += 1
        path = CLAIMS / str(number)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            try:
                holder, *marks = path.read_text().split()
                holder = int(holder)
            except (OSError, ValueError):
                holder, marks = 0, []
            if holder in ours and marks == [HANDED_ON]:
                path.write_text(f"{owner}\n")  # ours now, and no longer to be handed on
                claimed.append(Lane(number))
                continue
            if holder and Path(f"/proc/{holder}").exists():
                continue  # another run's lane
            path.unlink(missing_ok=True)
            number -= 1  # try this number again
            continue
        with os.fdopen(descriptor, "w") as handle:
            handle.write(f"{owner} {HANDED_ON}\n" if handed_on else f"{owner}\n")
        claimed.append(Lane(number))
    return claimed


def _ancestors(pid: int) -> set[int]:
    """The processes `pid` runs under (its parent, theirs, ...), pid 1 not among them."""
    found = set()
    while pid > 1:
        try:
            # /proc/PID/stat: "pid (name) state ppid ..."; the name may hold spaces.
            pid = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            break
        if pid > 1:
            found.add(pid)
    return found


def start(lanes: list[Lane], images: LaneImages | None = None, say=print) -> list[Lane]:
    """Start the lanes (claimed first), each with the main engine's images:
    those the project chose (`[tool.guide_runner.lane-images]`), else every
    tagged one. On any failure, those lanes are stopped again and released."""
    _check_tools()
    started = time.monotonic()
    archive = DATA / f"images-{os.getpid()}.tar"
    try:
        with ThreadPoolExecutor(len(lanes)) as pool:
            list(pool.map(lambda lane: lane.start(say), lanes))
        wanted = _tagged_images(["docker"], images)
        if not wanted:
            raise LaneError(f"the main Docker engine has no image {f'labelled {images.label}' if images else 'tagged'} "
                            "for the lanes: build the project's images first (its build-images)")
        if not all(lane.images() == wanted for lane in lanes):
            _save(wanted, archive)
        with ThreadPoolExecutor(len(lanes)) as pool:
            list(pool.map(lambda lane: lane.load_images(archive, wanted), lanes))
    except BaseException:
        release(lanes)
        raise
    finally:
        archive.unlink(missing_ok=True)
    say(f"lanes: {', '.join(str(lane.number) for lane in lanes)} started, {len(wanted)} images in each, "
        f"in {time.monotonic() - started:.0f} s")
    return lanes


def release(lanes: list[Lane]) -> None:
    """Stop these lanes and give up their claims; other runs' lanes stay."""
    if lanes:
        with ThreadPoolExecutor(len(lanes)) as pool:
            list(pool.map(Lane.stop, lanes))
    for lane in lanes:
        (CLAIMS / str(lane.number)).unlink(missing_ok=True)
    _remove_empty_roots()


def stop() -> None:
    """Every lane on this machine, whoever started it (scripts/test.sh, after a killed run)."""
    lanes = existing()
    if lanes:
        with ThreadPoolExecutor(len(lanes)) as pool:
            list(pool.map(Lane.stop, lanes))
    shutil.rmtree(CLAIMS, ignore_errors=True)
    for archive in DATA.glob("images-*.tar"):
        archive.unlink(missing_ok=True)
    _remove_empty_roots()


def _remove_empty_roots() -> None:
    for root in (CLAIMS, DATA, RUN):
        try:
            root.rmdir()  # only when empty
        except OSError:
            pass


def leftovers() -> list[str]:
    found = [item for lane in existing() for item in lane.leftovers()]
    found += [str(p) for p in (CLAIMS, DATA, RUN) if p.exists()]
    return found


def _check_tools() -> None:
    missing = [tool for tool in ("nsenter", "ip", "slirp4netns", "dockerd") if shutil.which(tool) is None]
    if missing:
        raise LaneError(f"lanes need {', '.join(missing)}: run scripts/setup.sh")
    if os.geteuid() != 0:
        raise LaneError("lanes need root (network namespaces, a Docker engine)")


def _tagged_images(docker: list[str], chosen: LaneImages | None = None) -> dict[str, str]:
    """tag: image ID, of every tagged image; with `chosen`, of its label's and its tags."""
    listing = [*docker, "images", "--format", "{{.Repository}}:{{.Tag}} {{.ID}}"]
    found = {}
    run = subprocess.run(listing + (["--filter", f"label={chosen.label}"] if chosen else []),
                         capture_output=True, text=True)
    for line in run.stdout.splitlines():
        tag, ident = line.rsplit(" ", 1)
        if "<none>" not in tag:
            found[tag] = ident
    if chosen:
        for tag in chosen.tags:
            run = subprocess.run([*docker, "image", "inspect", "-f", "{{.Id}}", tag], capture_output=True, text=True)
            if run.returncode == 0:
                found[tag] = run.stdout.strip().removeprefix("sha256:")[:12]
    return found


def _save(images: dict[str, str], archive: Path) -> None:
    archive.parent.mkdir(parents=True, exist_ok=True)
    run = subprocess.run(["docker", "save", "-o", str(archive), *sorted(images)], capture_output=True, text=True)
    if run.returncode:
        raise LaneError(f"docker save of the images failed: {run.stderr.strip()}")


def _run(*argv: str, check: bool = True) -> subprocess.CompletedProcess:
    run = subprocess.run(argv, capture_output=True, text=True)
    if check and run.returncode:
        raise LaneError(f"{' '.join(argv)} failed: {run.stderr.strip()}")
    return run


def _kill(pid: int, sig: int) -> None:
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        pass


def _stop_pid(pidfile: Path, timeout: float) -> None:
    try:
        pid = int(pidfile.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return
    _kill(pid, signal.SIGTERM)
    _wait_gone([pid], timeout)  # reaps it if this process started it: a zombie counts as gone
    _kill(pid, signal.SIGKILL)
    _wait_gone([pid], timeout=1)
    pidfile.unlink(missing_ok=True)


def _mounts_under(*roots: Path) -> list[str]:
    """Mount points at or below the roots, deepest first (to unmount in that order)."""
    points = []
    with open("/proc/self/mountinfo") as mountinfo:
        for line in mountinfo:
            point = line.split()[4].replace("\\040", " ")
            if any(point == str(root) or point.startswith(f"{root}/") for root in roots):
                points.append(point)
    return sorted(set(points), key=lambda p: p.count("/"), reverse=True)


def _cgroup_processes(name: str) -> list[int]:
    pids = set()
    for group in _cgroups(name):
        for procs in group.rglob("cgroup.procs"):
            try:
                pids |= {int(pid) for pid in procs.read_text().split()}
            except OSError:
                pass
    return sorted(pids)


def _wait_gone(pids: list[int], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    for pid in pids:
        while True:
            try:
                os.waitpid(pid, os.WNOHANG)  # our own child (a lane's dockerd): reap it
            except ChildProcessError:
                pass
            if not Path(f"/proc/{pid}").exists() or time.monotonic() >= deadline:
                break
            time.sleep(0.05)


def _cgroups(name: str) -> list[Path]:
    return sorted(CGROUPS.glob(f"*/{name}"))


def _remove_cgroups(name: str) -> None:
    for group in _cgroups(name):
        # Children first: a cgroup folder goes only when empty.
        for child in sorted((p for p in group.rglob("*") if p.is_dir()), key=lambda p: len(p.parts), reverse=True):
            try:
                child.rmdir()
            except OSError:
                pass
        try:
            group.rmdir()
        except OSError:
            pass


def main(argv: list[str]) -> int:
    if argv[:1] == ["run"] and len(argv) > 2:
        lane = Lane(int(argv[1]))
        if not lane.answers():
            print(f"lanes: lane {lane.number} is not running (python -m guide_runner.lanes start)", file=sys.stderr)
            return 1
        command = lane.command(*argv[2:])
        os.execvp(command[0], command)
    if not argv or argv[0] not in ("start", "stop", "list", "leftovers"):
        print(__doc__.split("\n\n")[-1], file=sys.stderr)
        return 2
    try:
        if argv[0] == "start":
            # Lanes for a person to try things in: claimed by no run (pid 1 never ends);
            # `--for PID`: for the run PID, whose tests take them (claim).
            count = int(argv[1]) if len(argv) > 1 and argv[1].isdigit() else 2
            owner = int(argv[argv.index("--for") + 1]) if "--for" in argv else 1
            configured = project.load(Path.cwd())
            start(claim(count, owner=owner, handed_on=owner != 1),
                  configured.lane_images if configured else None)
        elif argv[0] == "stop":
            stop()
            left = leftovers()
            if left:
                print("lanes: could not remove:\n  " + "\n  ".join(left), file=sys.stderr)
                return 1
        elif argv[0] == "list":
            for lane in existing():
                state = f"engine {lane.engine_id()[:14]}" if lane.answers() else "no engine"
                print(f"lane {lane.number}: {state}, namespace {lane.name}, DOCKER_HOST={lane.docker_host}")
        else:
            print("\n".join(leftovers()))
    except LaneError as error:
        print(f"lanes: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
