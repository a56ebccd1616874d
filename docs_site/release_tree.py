"""Files as a release's commit has them (its commit in releases.toml).

The configuration reference and the Releases page read each release's
rowbook/config.py; the chart's tests render the chart each release's docs
clone. One place finds the commit and archives it, once per process (the
site's hooks are loaded by path, each a module of its own: they share this).
"""

from __future__ import annotations

import importlib
import io
import subprocess
import sys
import tarfile
import tempfile
import tomllib
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from docs_site.paths import RELEASES_TOML, ROOT


def commit_of(release: str) -> str:
    return next(r["commit"] for r in tomllib.loads(RELEASES_TOML.read_text())["release"] if r["version"] == release)


@cache
def _archive(commit: str, path: str) -> bytes:
    return subprocess.run(["git", "-C", str(ROOT), "archive", commit, path], capture_output=True, check=True).stdout


def extract(commit: str, path: str, into: Path) -> Path:
    """`path` (a folder of the repository) as `commit` has it, under `into`."""
    with tarfile.open(fileobj=io.BytesIO(_archive(commit, path))) as tar:
        tar.extractall(into, filter="data")
    return Path(into) / path


@cache
def config_of(release: str):
    """rowbook/config.py as release `release` has it: each release's docs list
    that release's variables, also the newest's while the work tree holds
    changes not released yet."""
    with rowbook_package_of(commit_of(release)):
        return importlib.import_module("rowbook.config")


@contextmanager
def rowbook_package_of(commit: str):
    """While in the block, `import rowbook...` imports the package as `commit`
    has it: its config.py imports its own install_methods, say, whose choices
    the work tree may have more of. Outside, the work tree's modules are back."""
    ours = {name: module for name, module in sys.modules.items() if name.partition(".")[0] == "rowbook"}
    with tempfile.TemporaryDirectory() as folder:
        extract(commit, "rowbook", Path(folder))
        for name in ours:
            del sys.modules[name]
        sys.path.insert(0, folder)
        try:
            yield
        finally:
            sys.path.remove(folder)
            for name in [n for n in sys.modules if n.partition(".")[0] == "rowbook"]:
                del sys.modules[name]
            sys.modules.update(ours)
