"""How big our images are, and how long each setup takes to become healthy.

Prints a table: the size of each image; the time from `docker compose up -d`
(or `docker run -d`) until every container is healthy, for each Compose
profile and for the all-in-one image, cold (new volumes: the database is
created) and warm (restart on existing volumes). Also the guide runner's
overhead on the Compose guide (see benchmarks/runner_overhead.py).
Not a test: numbers vary from machine to machine.

    .venv/bin/python benchmarks/containers.py
"""

from __future__ import annotations

import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from docs_site.paths import ROOT

IMAGES = ["rowbook/rowbook:0.1.3", "rowbook/all-in-one:0.1.3", "postgres:15", "caddy:2",
          "debian:bookworm-slim"]


def run(*command: str, cwd: Path | None = None) -> str:
    return subprocess.run(command, cwd=cwd, check=True, capture_output=True, text=True).stdout


def table(rows: list[tuple[str, ...]]) -> None:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for n, row in enumerate(rows):
        print("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths))))
        if n == 0:
            print("  ".join("-" * w for w in widths))
    print()


def image_sizes() -> None:
    rows = [("image", "size (MB)")]
    for image in IMAGES:
        size = int(run("docker", "image", "inspect", "-f", "{{.Size}}", image))
        rows.append((image, f"{size / 1e6:.0f}"))
    table(rows)


def timed(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def compose_times(profile: str | None) -> tuple[float, float]:
    directory = Path(tempfile.mkdtemp(prefix="rowbook-bench-"))
    shutil.copy(ROOT / "docker" / "compose.yml", directory)
    shutil.copy(ROOT / "docker" / "Caddyfile", directory)
    (directory / ".env").write_text(
        f"DOMAIN_NAME=rowbook.localhost\nSECRET_KEY={secrets.token_hex(32)}\n"
        f"POSTGRES_PASSWORD={secrets.token_hex(32)}\n" + (f"COMPOSE_PROFILES={profile}\n" if profile else ""))
    compose = ["docker", "compose", "-p", "rowbook-bench"]
    try:
        cold = timed(lambda: run(*compose, "up", "-d", "--wait", cwd=directory))
        run(*compose, "down", cwd=directory)
        warm = timed(lambda: run(*compose, "up", "-d", "--wait", cwd=directory))
    finally:
        subprocess.run([*compose, "down", "-v"], cwd=directory, capture_output=True)
        shutil.rmtree(directory)
    return cold, warm


def wait_healthy(container: str) -> None:
    while run("docker", "inspect", "-f", "{{.State.Health.Status}}", container).strip() != "healthy":
        time.sleep(0.2)


def all_in_one_times() -> tuple[float, float]:
    name = "rowbook-bench-aio"
    start = ["docker", "run", "-d", "--name", name, "-v", f"{name}:/data", "rowbook/all-in-one:0.1.3"]
    try:
        cold = timed(lambda: (run(*start), wait_healthy(name)))
        run("docker", "rm", "-f", name)
        warm = timed(lambda: (run(*start), wait_healthy(name)))
    finally:
        subprocess.run(["docker", "rm", "-f", name], capture_output=True)
        subprocess.run(["docker", "volume", "rm", "-f", name], capture_output=True)
    return cold, warm


def main() -> None:
    subprocess.run([str(ROOT / "scripts" / "build-images.sh")], check=True, capture_output=True)
    image_sizes()
    rows = [("setup", "cold: up to healthy (s)", "warm: up to healthy (s)")]
    for label, profile in (("compose: Rowbook + PostgreSQL", None), ("compose: + Caddy (proxy)", "proxy")):
        cold, warm = compose_times(profile)
        rows.append((label, f"{cold:.1f}", f"{warm:.1f}"))
    cold, warm = all_in_one_times()
    rows.append(("all-in-one image", f"{cold:.1f}", f"{warm:.1f}"))
    table(rows)
    print("guide runner overhead:")
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "runner_overhead.py"), "docs/prerequisites.md",
                    "docs/install/docker-compose.md"], check=True)


if __name__ == "__main__":
    main()
