"""How long Rowbook stops answering during an upgrade, with and without replicas.

Sets up the Docker Compose install "With Caddy (HTTPS)" at 0.1.2 in a scratch
directory, from this repository's files (docker/compose.yml, Caddyfile,
.env.example; for replicas, the two files of the page "Run several Rowbook
replicas", snippets/replicas/), and upgrades it to 0.1.3 while a poller asks
http://localhost/healthz through Caddy every 20 ms. Three ways:

  one Rowbook, all at once      `docker compose up -d --wait`, the Upgrade page's step
  3 replicas, all at once       the same command, with the replicas' files
  3 replicas, one at a time     the block of docs/replicas.md that does it, run as the page shows it

Prints, for each: the requests sent while it ran, how many did not answer 200,
the longest time between two answers of 200 (the gap a user can meet), the
slowest answer, and how long the upgrade took. Needs the images
(scripts/build-images.sh) and ports 80 and 443 free; waits for the engine's
test lock. Not a test: numbers vary from machine to machine.

    .venv/bin/python benchmarks/rolling_upgrade.py
"""

from __future__ import annotations

import http.client
import secrets
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.containers import table
from guide_runner import engine_lock
from guide_runner.page import read_page
from docs_site.paths import ROOT

FROM, TO = "0.1.2", "0.1.3"
PAGE = ROOT / "docs/replicas.md"
INTERVAL = 0.02


def rolling_block() -> str:
    """The page's commands for an upgrade one replica at a time: its block with `--scale`."""
    (block,) = [b for b in read_page(PAGE).blocks if b.language == "bash" and "--scale" in b.source]
    return block.source


@dataclass
class Poller:
    """Asks /healthz through Caddy until stopped; keeps (sent, answered, ok) of each request."""

    answers: list[tuple[float, float, bool]] = field(default_factory=list)
    stopped: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        while not self.stopped.is_set():
            sent = time.monotonic()
            try:
                connection = http.client.HTTPConnection("127.0.0.1", 80, timeout=10)
                connection.request("GET", "/healthz", headers={"Host": "localhost"})
                ok = connection.getresponse().status == 200
                connection.close()
            except OSError:
                ok = False
            self.answers.append((sent, time.monotonic(), ok))
            time.sleep(INTERVAL)

    def between(self, start: float, end: float) -> list[tuple[float, float, bool]]:
        return [a for a in self.answers if start <= a[0] <= end]


def shell(command: str, cwd: Path) -> None:
    subprocess.run(["bash", "-euo", "pipefail", "-c", command], cwd=cwd, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def install(directory: Path, replicas: bool) -> None:
    for name in ("compose.yml", "Caddyfile"):
        shutil.copy(ROOT / "docker" / name, directory)
    settings = (ROOT / "docker/.env.example").read_text()
    settings = settings.replace("\nSECRET_KEY=\n", f"\nSECRET_KEY={secrets.token_hex(32)}\n")
    settings = settings.replace("\nPOSTGRES_PASSWORD=\n", f"\nPOSTGRES_PASSWORD={secrets.token_hex(32)}\n")
    settings = settings.replace("\nDOMAIN_NAME=\n", "\nDOMAIN_NAME=rowbook.localhost\n")
    settings += f"COMPOSE_PROFILES=proxy\nROWBOOK_VERSION={FROM}\n"
    (directory / ".env").write_text(settings)
    # One Rowbook first, as the page starts: 0.1.2's replicas race on a new database.
    shell("docker compose up -d --wait", directory)
    if replicas:
        for name in ("Caddyfile.replicas", "compose.replicas.yml"):
            shutil.copy(ROOT / "snippets/replicas" / name, directory)
        with (directory / ".env").open("a") as env:
            env.write("COMPOSE_FILE=compose.yml:compose.replicas.yml\n")
        shell("docker compose up -d --wait", directory)


def measure(name: str, replicas: bool, upgrade: str) -> tuple[str, ...]:
    with tempfile.TemporaryDirectory() as scratch:
        directory = Path(scratch)
        poller = Poller()
        thread = threading.Thread(target=poller.run, daemon=True)
        try:
            install(directory, replicas)
            thread.start()
            time.sleep(3)  # answers before the upgrade: the baseline
            shell(f"sed -i '/^ROWBOOK_VERSION=/d' .env && echo ROWBOOK_VERSION={TO} >> .env", directory)
            start = time.monotonic()
            shell(upgrade, directory)
            end = time.monotonic()
            time.sleep(3)  # and after it: a late failure counts too
        finally:
            poller.stopped.set()
            if thread.is_alive():
                thread.join()
            subprocess.run(["docker", "compose", "down", "-v"], cwd=directory, capture_output=True)
    answers = poller.between(start - 1, end + 3)
    answered_ok = [answered for _, answered, ok in answers if ok]
    gap = max((b - a for a, b in zip(answered_ok, answered_ok[1:])), default=float("inf"))
    slowest = max(answered - sent for sent, answered, _ in answers)
    failed = sum(not ok for _, _, ok in answers)
    return (name, str(len(answers)), str(failed), f"{gap:.2f}", f"{slowest:.2f}", f"{end - start:.1f}")


def main() -> None:
    lock = engine_lock.acquire()
    try:
        rows = [("upgrade 0.1.2 -> 0.1.3", "requests", "not 200", "longest gap (s)", "slowest (s)",
                 "upgrade took (s)")]
        rows.append(measure("one Rowbook, all at once", False, "docker compose up -d --wait"))
        rows.append(measure("3 replicas, all at once", True, "docker compose up -d --wait"))
        rows.append(measure("3 replicas, one at a time (docs/replicas.md)", True, rolling_block()))
        table(rows)
        print(f"A request every {INTERVAL * 1000:.0f} ms to http://localhost/healthz through Caddy, from 1 s "
              "before the upgrade to 3 s after it. The longest gap is the longest time between two answers "
              "of 200.")
    finally:
        if lock:
            lock.close()


if __name__ == "__main__":
    main()
