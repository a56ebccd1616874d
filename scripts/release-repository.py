#!/usr/bin/env python3
"""A copy of this repository tagged as the real one is, for the docs' tests:

    scripts/release-repository.py DEST

makes DEST a bare clone of this repository (its commits, not the work tree's
changes) with a tag vVERSION on each release's commit in releases.toml, so a
page that clones a release (`git clone --branch v0.1.4 ...`, the Helm guide)
gets what its reader gets from GitHub. Cutting a release pushes that tag.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(dest: str) -> None:
    subprocess.run(["git", "clone", "--quiet", "--bare", "--no-tags", str(ROOT), dest], check=True)
    releases = tomllib.loads((ROOT / "releases.toml").read_text())["release"]
    for release in releases:
        subprocess.run(["git", "-C", dest, "tag", f"v{release['version']}", release["commit"]], check=True)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__.strip().split("\n\n")[1])
    main(sys.argv[1])
