"""Images a page must pull: absent when it starts, put back when it ends.

`<!-- test-page: absent="rowbook/rowbook:0.1.3 postgres:15" -->` (or on a
variant, or on a page it starts from) removes those tags from the Docker
engine before the page runs, so its `docker pull`, `docker compose pull`, or a
`docker run` / `docker compose up` of an image it does not have yet, really
pulls, by the name the reader types. CI's Docker daemon pulls Docker Hub
names from a local registry (scripts/local-registry.sh), which
scripts/build-images.sh fills with our images. A misspelled name fails there
as it would for a reader.

Only the tags go: the image itself is kept under a tag of the runner's
(`guide-runner-kept:...`) until the page ends, so the pull fetches the
release's manifest from the registry by the name the reader types but does
not download and extract its layers again (the page proves the name, not
Docker's unpacking, on every one of the many pages that start from an install).
Whatever the page did not pull back is tagged again at the end, and the
runner's tags go, so the next page and the other tests find the engine as it
was.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field

KEPT = "guide-runner-kept"  # the runner's second tag on an image whose tag a page must pull


def _docker(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["docker", *args], capture_output=True, text=True)


def image_id(tag: str) -> str:
    run = _docker("image", "inspect", "-f", "{{.Id}}", tag)
    return run.stdout.strip() if run.returncode == 0 else ""


@dataclass
class Absent:
    """The tags removed for a page, with the image each named."""

    removed: dict[str, str]
    kept: list[str] = field(default_factory=list)  # the runner's own tags, until restore

    @classmethod
    def make(cls, tags: tuple[str, ...]) -> "Absent":
        absent = cls({})
        for tag in tags:
            ident = image_id(tag)
            if not ident:
                continue
            kept = f"{KEPT}:{ident.removeprefix('sha256:')[:12]}-{os.getpid()}"
            if kept not in absent.kept and _docker("tag", ident, kept).returncode == 0:
                absent.kept.append(kept)
            if _docker("rmi", "--no-prune", tag).returncode == 0:
                absent.removed[tag] = ident
        return absent

    def restore(self) -> list[str]:
        """Tag again what the page did not pull back, and drop the runner's
        tags. Returns what went wrong, in sentences."""
        problems = []
        for tag, ident in self.removed.items():
            if image_id(tag):
                continue
            if _docker("tag", ident, tag).returncode != 0 and _docker("pull", "-q", tag).returncode != 0:
                problems.append(f"could not put back the image {tag}")
        for kept in self.kept:
            if _docker("rmi", "--no-prune", kept).returncode != 0:
                problems.append(f"could not remove the runner's own tag {kept} (docker rmi {kept})")
        return problems


def absent_tags(options: list[dict[str, str]]) -> list[str]:
    """The `absent=` tags of a page's variant and of the pages it starts from."""
    return list(dict.fromkeys(tag for o in options for tag in o.get("absent", "").split()))
