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

import hashlib
import re
import shutil
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path

from packaging.version import Version as _Version

from .project import cached, current
from .site_config import snippets_options

CURRENT = "current"  # the one release of a project without a releases file
_START = re.compile(r"^\s*<!--\s*version:\s*(?P<when>since|before)\s+(?P<version>\S+)\s*-->\s*$")
_END = re.compile(r"^\s*<!--\s*/version\s*-->\s*$")


def key(version: str) -> _Version:
    """The release as a comparable version (0.2.0rc1 < 0.2.0 < 0.10.0)."""
    return _Version(version)


def snippet_folders() -> tuple[str, ...]:
    """The folders pages include files from: pymdownx.snippets' base_path."""
    options = snippets_options()
    return tuple(options.get("base_path", ["."])) if options is not None else ()


@dataclass(frozen=True)
class Version:
    name: str
    without: tuple[str, ...]  # pages (relative to docs/) this release does not have
    replace: tuple[tuple[str, str], ...]  # (regex, replacement), applied to every line kept


@cached
def versions() -> dict[str, Version]:
    """Every release with docs, oldest first, from docs-versions.toml; a
    project without one has one release, `current`: its docs as they are."""
    if current().releases is None:
        return {CURRENT: Version(CURRENT, (), ())}
    data = tomllib.loads(current().releases.read_text())["versions"]
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


@cached
def snippet_dirs(version: str) -> list[Path]:
    """The folders pages include files from, as release `version` has them:
    the repository's own for the newest, rendered copies for older ones.

    A rendition is a folder named after what it is made of
    (.cache/docs-versions/VERSION-DIGEST/), rendered under a temporary name and
    renamed into place: two processes at once (the two pytest runs of
    scripts/test.sh, or lanes) each find it whole or make it whole, and none
    ever deletes a file another one reads. A changed input makes a new folder."""
    if version == newest():
        return [current().root / name for name in snippet_folders()]
    out = current().renditions / f"{version}-{_rendition_digest(version)}"
    if not out.is_dir():
        _render_into_place(version, out)
    return [out / name for name in snippet_folders()]


def files_root(version: str) -> Path:
    """Where the included folders of release `version` are ($RUNNER_FILES):
    the project itself for the newest, its rendition for an older one."""
    folders = snippet_dirs(version)
    if version == newest() or not folders:  # a project that includes no files: nothing is rendered
        return current().root
    return folders[0].parent


_NOT_RENDERED = ("wheels", "__pycache__")


def _sources(name: str) -> list[Path]:
    """The files of snippet folder `name` a rendition holds, in a stable order."""
    folder = current().root / name
    return sorted(p for p in folder.rglob("*")
                  if p.is_file() and not set(p.relative_to(folder).parts) & set(_NOT_RENDERED))


def _rendition_digest(version: str) -> str:
    """What a rendition of `version` is made of: its text rules and every file's path and bytes."""
    digest = hashlib.sha256(current().releases.read_bytes() + version.encode())
    for name in snippet_folders():
        for path in _sources(name):
            digest.update(str(path.relative_to(current().root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def _render_into_place(version: str, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        for name in snippet_folders():
            target = partial / name
            shutil.copytree(current().root / name, target, ignore=shutil.ignore_patterns(*_NOT_RENDERED))
            for path in target.rglob("*"):
                if path.is_file():
                    try:
                        path.write_text(render(path.read_text(), version))
                    except UnicodeDecodeError:
                        pass  # a binary file: kept as it is
        partial.chmod(0o755)  # mkdtemp's 0700 would hide it from a test server's other users
        try:
            partial.rename(out)
        except OSError:
            if not out.is_dir():  # not another process's finished rendition: a real error
                raise
    finally:
        shutil.rmtree(partial, ignore_errors=True)  # ours only: a temporary name no one else uses
