"""Write the lock of a release: every package its wheelhouse, images and
Debian package ship besides Rowbook itself, at one version, with the sha256
of the one file the package index has for this machine's Python (Debian 12's
3.11, as in the images).

    scripts/lock-release.py VERSION     writes packaging/locks/VERSION.txt
    scripts/lock-release.py --check VERSION
                                        exits 1 if resolving the release's
                                        commit today gives another lock

Run once when a release is cut (CONTRIBUTING.md, "Cut a release"); the lock is
committed with the release's entry in releases.toml and never changes after.
scripts/build-wheelhouse.sh installs from it with pip's --require-hashes, so a
release's images are built from the same files on every machine and day.
"""

from __future__ import annotations

import datetime
import json
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCKS = ROOT / "packaging" / "locks"
HEADER = ("# The packages Rowbook {version} ships with (its images, wheelhouse and Debian\n"
          "# package), resolved from its commit {commit} on {day}.\n"
          "# Written by scripts/lock-release.py; never edited by hand.\n")


def commit_of(version: str) -> str:
    for entry in tomllib.loads((ROOT / "releases.toml").read_text())["release"]:
        if entry["version"] == version:
            return entry["commit"]
    sys.exit(f"lock-release.py: releases.toml has no release {version!r}; add it first")


def resolved(commit: str) -> list[tuple[str, str, str]]:
    """(name, version, sha256) of each dependency pip picks for that commit,
    wheels only (a wheel built here from an sdist would have a hash of its own)."""
    with tempfile.TemporaryDirectory() as src:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", commit], capture_output=True, check=True)
        subprocess.run(["tar", "-x", "-C", src], input=archive.stdout, check=True)
        report = subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", "--dry-run", "--ignore-installed",
             "--only-binary=:all:", "--report", "-", src],
            capture_output=True, text=True, check=True).stdout
    packages = []
    for item in json.loads(report)["install"]:
        if "dir_info" in item["download_info"]:
            continue  # Rowbook itself, built from the commit
        hashes = item["download_info"]["archive_info"]["hashes"]
        packages.append((item["metadata"]["name"].lower(), item["metadata"]["version"], hashes["sha256"]))
    return sorted(packages)


def lock_text(packages: list[tuple[str, str, str]]) -> str:
    return "".join(f"{name}=={version} \\\n    --hash=sha256:{digest}\n" for name, version, digest in packages)


def main(args: list[str]) -> int:
    check = args[:1] == ["--check"]
    args = args[1:] if check else args
    if len(args) != 1:
        sys.exit(__doc__)
    version = args[0]
    commit = commit_of(version)
    body = lock_text(resolved(commit))
    path = LOCKS / f"{version}.txt"
    if check:
        old = path.read_text() if path.is_file() else ""
        old_body = "".join(line + "\n" for line in old.splitlines() if not line.startswith("#"))
        if old_body != body:
            print(f"lock-release.py: {path.relative_to(ROOT)} differs from what {version} resolves to today")
            return 1
        print(f"lock-release.py: {path.relative_to(ROOT)} is what {version} resolves to today")
        return 0
    if path.exists():
        sys.exit(f"lock-release.py: {path.relative_to(ROOT)} exists; a release's lock never changes")
    LOCKS.mkdir(parents=True, exist_ok=True)
    path.write_text(HEADER.format(version=version, commit=commit[:12], day=datetime.date.today()) + body)
    print(f"lock-release.py: wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
