"""The guide runner as an outside project gets it (issue #41): a wheel and an
sdist that twine accepts, with its license, changelog, extras and pytest entry
point, and nothing of this repository besides the runner."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from docs_site.paths import ROOT

pytestmark = pytest.mark.reads_pages()


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    # Built from a copy: setuptools writes build/ and egg-info beside the sources.
    source = tmp_path_factory.mktemp("source") / "guide_runner"
    shutil.copytree(ROOT / "guide_runner", source, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    out = tmp_path_factory.mktemp("dist")
    run = subprocess.run([sys.executable, "-m", "build", "--sdist", "--wheel", "--outdir", str(out), str(source)],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    return {"wheel": next(out.glob("*.whl")), "sdist": next(out.glob("*.tar.gz"))}


def test_twine_accepts_the_wheel_and_the_sdist(built):
    run = subprocess.run([sys.executable, "-m", "twine", "check", "--strict", str(built["wheel"]), str(built["sdist"])],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.count("PASSED") == 2


def test_the_wheel_holds_the_runner_its_license_metadata_and_entry_point(built):
    with zipfile.ZipFile(built["wheel"]) as wheel:
        names = wheel.namelist()
        info = next(n.split("/")[0] for n in names if n.endswith(".dist-info/METADATA"))
        metadata = wheel.read(f"{info}/METADATA").decode()
        entry_points = wheel.read(f"{info}/entry_points.txt").decode()
    assert all(n.startswith(("guide_runner/", info + "/")) for n in names)  # nothing of Rowbook or its tests
    assert "guide_runner/plugin.py" in names and f"{info}/licenses/LICENSE" in names
    assert "License-Expression: MIT" in metadata and "Version: 0.3.0" in metadata
    assert "Provides-Extra: browser" in metadata and "Provides-Extra: docker" in metadata
    assert "Project-URL: Changelog" in metadata
    assert "[pytest11]\nguide_runner = guide_runner.plugin" in entry_points


def test_the_sdist_holds_the_readme_license_and_changelog(built):
    with tarfile.open(built["sdist"]) as sdist:
        names = {Path(*Path(n).parts[1:]).as_posix() for n in sdist.getnames()}
    assert {"README.md", "LICENSE", "CHANGELOG.md", "pyproject.toml", "plugin.py"} <= names
