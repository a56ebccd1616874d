"""Images a page must pull: absent when it starts, put back when it ends.

`<!-- test-page: absent="rowbook/rowbook:0.1.3 postgres:15" -->` (or on a
variant, or on a page it starts from) removes those tags from the Docker
engine before the page runs, so its `docker pull`, `docker compose pull`, or a
`docker run` / `docker compose up` of an image it does not have yet, really
pulls, by the name the reader types. CI's Docker daemon pulls Docker Hub
names from a local registry (scripts/local-registry.sh), which
scripts/build-images.sh fills with our images. A misspelled name fails there
as it would for a reader.

Only the tags go: an image that others are built on stays, so a pull may find
its layers already there, as on a reader's machine with an older release.
Whatever the page did not pull back is tagged again at the end, so the next
page and the other tests find the engine as it was.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass


def _docker(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["docker", *args], capture_output=True, text=True)


def image_id(tag: str) -> str:
    run = _docker("image", "inspect", "-f", "{{.Id}}", tag)
    return run.stdout.strip() if run.returncode == 0 else ""


@dataclass
class Absent:
    """The tags removed for a page, with the image each named."""

    removed: dict[str, str]

    @classmethod
    def make(cls, tags: tuple[str, ...]) -> "Absent":
        removed = {}
        for tag in tags:
            ident = image_id(tag)
            if ident and _docker("rmi", "--no-prune", tag).returncode == 0:
                removed[tag] = ident
        return cls(removed)

    def restore(self) -> list[str]:
        """Tag again what the page did not pull back. Returns what could not be."""
        missing = []
        for tag, ident in self.removed.items():
            if image_id(tag):
                continue
            if _docker("tag", ident, tag).returncode != 0 and _docker("pull", "-q", tag).returncode != 0:
                missing.append(tag)
        return missing


def absent_tags(options: list[dict[str, str]]) -> list[str]:
    """The `absent=` tags of a page's variant and of the pages it starts from."""
    return list(dict.fromkeys(tag for o in options for tag in o.get("absent", "").split()))
