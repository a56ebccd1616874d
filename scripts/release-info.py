"""What the build scripts need to know of releases.toml, one value per line.

    release-info.py versions                  every release, oldest first
    release-info.py newest                    the newest release
    release-info.py VERSION FIELD             one field of a release (commit, date, summary)
    release-info.py debian-changelog VERSION  debian/changelog for that release's package
    release-info.py debian-changelog work-tree  ... for a package of the work tree, not a
                                              release: VERSION+worktree, dated by HEAD
    release-info.py work-tree-version         that VERSION+worktree
    release-info.py knows-install-method WHEEL METHOD
                                              exits 0 if that Rowbook wheel accepts
                                              ROWBOOK_INSTALL_METHOD=METHOD, 1 if not
"""

from __future__ import annotations

import datetime
import re
import subprocess
import sys
import textwrap
import tomllib
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RELEASES = tomllib.loads((ROOT / "releases.toml").read_text())["release"]
WORK_TREE = "work-tree"


def release(version: str) -> dict:
    for entry in RELEASES:
        if entry["version"] == version:
            return entry
    sys.exit(f"release-info.py: releases.toml has no release {version!r}")


def work_tree_version() -> str:
    """The work tree's version, as Debian orders it after the release it names
    (rowbook/__init__.py still names the newest release until the next one)."""
    return re.search(r'__version__ = "([^"]+)"', (ROOT / "rowbook" / "__init__.py").read_text())[1] + "+worktree"


def debian_changelog(version: str) -> str:
    if version == WORK_TREE:
        # Dated by the last commit, so the package of an unchanged tree stays the same.
        when = datetime.datetime.fromisoformat(subprocess.run(
            ["git", "-C", str(ROOT), "log", "-1", "--format=%cI"], capture_output=True, text=True,
            check=True).stdout.strip()).astimezone(datetime.timezone.utc)
        version, distribution, urgency = work_tree_version(), "UNRELEASED", "medium"
        summary = "  * Built from the work tree, not a release: for the tests."
    else:
        entry = release(version)
        when = datetime.datetime.fromisoformat(f"{entry['date']}T12:00:00+00:00")
        distribution = "stable"
        # Debian's word for "fixes a security problem: install it soon".
        urgency = "high" if entry.get("security") else "medium"
        summary = textwrap.fill(entry["summary"], width=76, initial_indent="  * ", subsequent_indent="    ")
    return (f"rowbook ({version}) {distribution}; urgency={urgency}\n\n{summary}\n\n"
            f" -- Rowbook Docs <docs@rowbook.example>  {when.strftime('%a, %d %b %Y %H:%M:%S +0000')}\n")


def knows_install_method(wheel: Path, method: str) -> bool:
    """Whether the release in the wheel accepts the method (rowbook/install_methods.py,
    which releases before 0.1.3 do not have: they know none by that name)."""
    with zipfile.ZipFile(wheel) as archive:
        if "rowbook/install_methods.py" not in archive.namelist():
            return False
        return f'InstallMethod("{method}"'.encode() in archive.read("rowbook/install_methods.py")


def main(args: list[str]) -> None:
    match args:
        case ["versions"]:
            print("\n".join(entry["version"] for entry in RELEASES))
        case ["newest"]:
            print(RELEASES[-1]["version"])
        case ["work-tree-version"]:
            print(work_tree_version())
        case ["debian-changelog", version]:
            print(debian_changelog(version), end="")
        case ["knows-install-method", wheel, method]:
            sys.exit(0 if knows_install_method(Path(wheel), method) else 1)
        case [version, field]:
            print(release(version)[field])
        case _:
            sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
