"""What the build scripts need to know of releases.toml, one value per line.

    release-info.py versions                  every release, oldest first
    release-info.py newest                    the newest release
    release-info.py VERSION FIELD             one field of a release (commit, date, summary)
    release-info.py debian-changelog VERSION  debian/changelog for that release's package
"""

from __future__ import annotations

import datetime
import sys
import textwrap
import tomllib
from pathlib import Path

RELEASES = tomllib.loads((Path(__file__).resolve().parent.parent / "releases.toml").read_text())["release"]


def release(version: str) -> dict:
    for entry in RELEASES:
        if entry["version"] == version:
            return entry
    sys.exit(f"release-info.py: releases.toml has no release {version!r}")


def debian_changelog(version: str) -> str:
    entry = release(version)
    noon = datetime.datetime.fromisoformat(f"{entry['date']}T12:00:00+00:00")
    summary = textwrap.fill(entry["summary"], width=76, initial_indent="  * ", subsequent_indent="    ")
    return (f"rowbook ({version}) stable; urgency=medium\n\n{summary}\n\n"
            f" -- Rowbook Docs <docs@rowbook.example>  {noon.strftime('%a, %d %b %Y %H:%M:%S +0000')}\n")


def main(args: list[str]) -> None:
    match args:
        case ["versions"]:
            print("\n".join(entry["version"] for entry in RELEASES))
        case ["newest"]:
            print(RELEASES[-1]["version"])
        case ["debian-changelog", version]:
            print(debian_changelog(version), end="")
        case [version, field]:
            print(release(version)[field])
        case _:
            sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
