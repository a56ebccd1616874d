"""One docs source, one rendition per release.

docs/ describes the newest release. docs-versions.toml says, for each older
release, which pages it does not have and which text differs (its version
number in image tags, downloads and outputs). Text that holds for some
releases only is marked in the page:

    <!-- version: since 0.1.2 -->
    The **Databases** page ...
    <!-- /version -->

    <!-- version: before 0.1.2 -->
    Rowbook 0.1.1 browses one database ...
    <!-- /version -->

The site, the versioned build and the guide runner all read the same
rendition; the runner maps its lines back to the page in docs/, so a failure
in an older release's run names a line of docs/.
"""

from __future__ import annotations

import re
import shutil
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from packaging.version import Version as _Version

from .paths import DOCS_VERSIONS, RENDITIONS, ROOT
from .site_config import snippets_options

_START = re.compile(r"^\s*<!--\s*version:\s*(?P<when>since|before)\s+(?P<version>\S+)\s*-->\s*$")
_END = re.compile(r"^\s*<!--\s*/version\s*-->\s*$")


def key(version: str) -> _Version:
    """The release as a comparable version (0.2.0rc1 < 0.2.0 < 0.10.0)."""
    return _Version(version)


def snippet_folders() -> tuple[str, ...]:
    """The folders pages include files from: pymdownx.snippets' base_path."""
    return tuple(snippets_options().get("base_path", ["."]))


@dataclass(frozen=True)
class Version:
    name: str
    without: tuple[str, ...]  # pages (relative to docs/) this release does not have
    replace: tuple[tuple[str, str], ...]  # (regex, replacement), applied to every line kept


@cache
def versions() -> dict[str, Version]:
    """Every release with docs, oldest first, from docs-versions.toml."""
    data = tomllib.loads(DOCS_VERSIONS.read_text())["versions"]
    found = {name: Version(name, tuple(entry.get("without", [])),
                           tuple((pattern, new) for pattern, new in entry.get("replace", [])))
             for name, entry in data.items()}
    return dict(sorted(found.items(), key=lambda item: key(item[0])))


def newest() -> str:
    return list(versions())[-1]


def older() -> list[str]:
    return list(versions())[:-1]


def render(text: str, version: str) -> str:
    """`text` as release `version` shows it: the markers and the text marked
    for other releases are left out (markers work inside code blocks too)."""
    spec = versions()[version]
    shown = []
    keep = True
    for line in text.split("\n"):
        start, end = _START.match(line), _END.match(line)
        if start:
            wanted = key(start["version"])
            keep = key(version) >= wanted if start["when"] == "since" else key(version) < wanted
        elif end:
            keep = True
        elif keep:
            for pattern, new in spec.replace:
                line = re.sub(pattern, new, line)
            shown.append(line)
    return "\n".join(shown)


def has_page(version: str, page: str) -> bool:
    return page not in versions()[version].without


@cache
def snippet_dirs(version: str) -> list[Path]:
    """The folders pages include files from, as release `version` has them:
    the repository's own for the newest, rendered copies for older ones
    (under .cache/docs-versions/VERSION/, made once per process)."""
    if version == newest():
        return [ROOT / name for name in snippet_folders()]
    out = RENDITIONS / version
    dirs = []
    for name in snippet_folders():
        target = out / name
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(ROOT / name, target, ignore=shutil.ignore_patterns("wheels", "__pycache__"))
        for path in target.rglob("*"):
            if path.is_file():
                try:
                    path.write_text(render(path.read_text(), version))
                except UnicodeDecodeError:
                    pass  # a binary file: kept as it is
        dirs.append(target)
    return dirs
