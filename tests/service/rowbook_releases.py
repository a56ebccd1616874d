"""The releases listed in releases.toml, and how to get one's source tree."""

import io
import subprocess
import tarfile
import tomllib
from pathlib import Path

from docs_site.paths import ROOT as REPO


def releases() -> list[dict]:
    path = REPO / "releases.toml"
    if not path.exists():
        return []
    return tomllib.loads(path.read_text())["release"]


def release(version: str) -> dict:
    for entry in releases():
        if entry["version"] == version:
            return entry
    raise LookupError(f"release {version} is not in releases.toml")


def extract(commit: str, dest: Path) -> Path:
    """The release's files exactly as committed (git archive), unpacked into dest."""
    archive = subprocess.run(["git", "-C", str(REPO), "archive", "--format=tar", commit],
                             check=True, capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(dest, filter="data")
    return dest
