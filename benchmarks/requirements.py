"""What each Docker setup needs: memory and disk, measured after real use.

Runs the Back up and restore page's scenarios for the Docker setups (each
installs Rowbook as its guide does, adds a database, signs in through the
browser and opens a table, restores onto a "new machine" and signs in and
browses again), and just before each scenario's clean-up reads, for every
container the scenario runs:

- its peak memory since it started (the cgroup's max_usage_in_bytes, page
  cache included, as the kernel counts it against a memory limit) and its
  resident memory (rss) at that moment;
- the size of its image, and of the volumes it writes to.

Prints one table; the System requirements page quotes it. Not a test:
numbers vary from machine to machine.

    .venv/bin/python benchmarks/requirements.py
"""

from __future__ import annotations

import dataclasses
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

from guide_runner import Scenario, plan_file
from guide_runner.languages import Kind
from guide_runner.page import Block
from docs_site.paths import DOCS

PAGE = DOCS / "backup.md"
DOCKER_VARIANTS = ["Docker Compose", "Service image", "Quickstart (all-in-one)"]

# Run as a hidden block at the end of the page, in the page's own terminal:
# one line per container (name, image, peak, rss, image size, volumes' size).
MEASURE = r"""
for c in $(docker ps --format '{{.Names}}'); do
  image=$(docker inspect -f '{{.Config.Image}}' "$c")
  peak=$(docker exec "$c" cat /sys/fs/cgroup/memory/memory.max_usage_in_bytes)
  rss=$(docker exec "$c" awk '$1 == "total_rss" {print $2}' /sys/fs/cgroup/memory/memory.stat)
  size=$(docker image inspect -f '{{.Size}}' "$image")
  volumes=0
  for v in $(docker inspect -f '{{range .Mounts}}{{if eq .Type "volume"}}{{.Name}} {{end}}{{end}}' "$c"); do
    used=$(docker run --rm -v "$v:/v:ro" debian:bookworm-slim du -sb /v | cut -f1)
    volumes=$((volumes + used))
  done
  echo "$c $image $peak $rss $size $volumes" >> "$RUNNER_MEASURE"
done
"""


def mib(value: str) -> str:
    return f"{int(value) / 2**20:.0f}"


def main() -> None:
    rows = []
    for plan in plan_file(PAGE):
        if plan.variant not in DOCKER_VARIANTS:
            continue
        with tempfile.NamedTemporaryFile("r", suffix=".txt") as measured:
            os.environ["RUNNER_MEASURE"] = measured.name
            measure = Block(plan.page, 10**6, "bash", MEASURE, Kind.HIDDEN)
            Scenario(dataclasses.replace(plan, blocks=[*plan.blocks, measure])).run()
            for line in Path(measured.name).read_text().splitlines():
                name, image, peak, rss, size, volumes = line.split()
                rows.append((plan.variant, image, mib(peak), mib(rss), mib(size), mib(volumes)))
        print(f"  ran {plan.name}", file=sys.stderr)
    header = ("setup", "container image", "peak memory MiB", "rss MiB", "image MiB", "volumes MiB")
    table = [header, *rows]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    for i, row in enumerate(table):
        print("  ".join(c.ljust(w) if j < 2 else c.rjust(w) for j, (c, w) in enumerate(zip(row, widths))))
        if i == 0:
            print("  ".join("-" * w for w in widths))
    cpus = os.cpu_count()
    memory = int(next(line.split()[1] for line in open("/proc/meminfo") if line.startswith("MemTotal"))) // 2**20
    docker = subprocess.run(["docker", "version", "-f", "{{.Server.Version}}"], capture_output=True, text=True)
    print(f"\nmeasured on: {platform.machine()}, {cpus} cores, {memory} GiB, Linux {platform.release()}, "
          f"Docker Engine {docker.stdout.strip()}")


if __name__ == "__main__":
    main()
