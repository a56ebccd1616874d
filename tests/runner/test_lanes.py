"""A lane (guide_runner/lanes.py): a Docker engine and a loopback of its own,
the caller's images by the same IDs, and nothing left after it stops, even
when its engine was killed.

Each claims a lane no run owns (lanes.claim), so they also pass inside a
lane of the suite's own run, which owns lanes 1 and 2."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
from pathlib import Path

import pytest

from guide_runner import lanes, sandbox

pytestmark = [pytest.mark.docker, pytest.mark.reads_pages()]

IMAGES = ("debian:bookworm-slim", "caddy:2")  # built by scripts/build-images.sh; caddy:2 serves on port 80


def callers_engine() -> str:
    return subprocess.run(["docker", "info", "--format", "{{.ID}}"], capture_output=True, text=True).stdout.strip()


def image_ids(docker: list[str]) -> dict[str, str]:
    return {tag: subprocess.run([*docker, "image", "inspect", "-f", "{{.Id}}", tag],
                                capture_output=True, text=True).stdout.strip() for tag in IMAGES}


def answers(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """The images, saved once from the caller's engine, and their IDs."""
    path = tmp_path_factory.mktemp("lane-images") / "images.tar"
    subprocess.run(["docker", "save", "-o", str(path), *IMAGES], check=True)
    return path, image_ids(["docker"])


@pytest.fixture
def lane():
    (lane,) = lanes.claim(1)  # a lane no run owns, also inside a lane of the suite's own run
    try:
        lane.start(say=lambda line: None)
        yield lane
    finally:
        lanes.release([lane])
        assert lane.leftovers() == []
        assert not (lanes.CLAIMS / str(lane.number)).exists()


def test_a_lane_is_an_engine_and_a_loopback_of_its_own(lane, archive):
    assert lane.engine_id() and lane.engine_id() != callers_engine()
    path, mine = archive
    lane.load_images(path, {tag: lane_short(ident) for tag, ident in mine.items()})
    assert image_ids(["docker", "-H", lane.docker_host]) == mine
    containers_before = subprocess.run(["docker", "ps", "-aq"], capture_output=True, text=True).stdout

    # The name and port a page uses, in the lane: the caller's stay free.
    run = lane.docker("run", "-d", "--name", "rowbook", "-p", "127.0.0.1:8000:80", "caddy:2")
    assert run.returncode == 0, run.stderr
    # docker-proxy takes the connection and resets it until caddy listens: retry on any error.
    inside = subprocess.run(lane.command("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
                                         "--retry", "20", "--retry-all-errors", "--retry-delay", "1",
                                         "http://127.0.0.1:8000/"), capture_output=True, text=True)
    assert inside.stdout == "200", inside.stderr
    assert not answers(8000)
    assert subprocess.run(["docker", "ps", "-aq"], capture_output=True, text=True).stdout == containers_before


def test_a_lanes_engine_says_it_is_the_runs_own_and_the_main_engine_does_not(lane):
    """Its leak check may then remove whatever is new in it (guide_runner/sandbox.py)."""
    assert sandbox.is_lane(["docker", "-H", lane.docker_host])
    assert not sandbox.is_lane(["docker", "-H", "unix:///var/run/docker.sock"])


def lane_short(image_id: str) -> str:
    """`docker images` shows an ID as 12 hex digits (what load_images compares)."""
    return image_id.removeprefix("sha256:")[:12]


def test_a_lane_whose_engine_was_killed_stops_without_leaving_anything(lane, archive):
    path, mine = archive
    lane.load_images(path, {tag: lane_short(ident) for tag, ident in mine.items()})
    run = lane.docker("run", "-d", "debian:bookworm-slim", "sleep", "600")
    assert run.returncode == 0, run.stderr
    # The engine, its containerd and the container's shim in the lane's namespace;
    # the container's `sleep` in a namespace of its own.
    inside = [int(pid) for pid in subprocess.run(["ip", "netns", "pids", lane.name], capture_output=True,
                                                  text=True).stdout.split()]
    assert len(inside) >= 3
    sleeping = int(lane.docker("inspect", "-f", "{{.State.Pid}}", run.stdout.strip()).stdout)
    inside.append(sleeping)
    for pidfile in ("docker.pid", "slirp4netns.pid"):  # as a crash or `kill -9` would leave it
        os.kill(int((lane.run / pidfile).read_text()), signal.SIGKILL)
    lane.stop()
    assert lane.leftovers() == []
    assert [pid for pid in inside if alive(pid)] == []


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"
