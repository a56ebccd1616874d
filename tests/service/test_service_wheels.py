"""Every release, and the work tree when its version is not released yet, builds a
wheel that installs into a clean venv, and `rowbook version` tells the right version."""

import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

import rowbook
from docs_site.paths import ROOT as REPO
from tests.service.rowbook_releases import extract, releases

TARGETS = [(r["version"], r["commit"]) for r in releases()]
if rowbook.__version__ not in {version for version, _ in TARGETS}:
    TARGETS.append((rowbook.__version__, None))  # the work tree, about to be released


@pytest.mark.parametrize("version,commit", TARGETS, ids=[v for v, _ in TARGETS])
def test_wheel_installs_into_clean_venv(version, commit, tmp_path):
    source = extract(commit, tmp_path / "src") if commit else REPO
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(dist),
                    str(source)], check=True, capture_output=True, text=True, timeout=300)
    (wheel,) = dist.glob("rowbook-*.whl")
    assert wheel.name.startswith(f"rowbook-{version}-")

    venv = tmp_path / "venv"
    # A venv with no access to the test environment's packages.
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    subprocess.run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"),
                    "install", "-q", str(wheel)], check=True, capture_output=True, text=True,
                   timeout=300)
    out = subprocess.run([str(venv / "bin" / "rowbook"), "version"], capture_output=True,
                         text=True, cwd=tempfile.gettempdir(), env={"PATH": "/usr/bin:/bin"})
    assert out.stdout.strip() == f"rowbook {version}", out.stderr
    # The templates and static files ship inside the wheel.
    site = next(venv.glob("lib/python*/site-packages/rowbook"))
    assert (site / "templates" / "registration" / "login.html").exists()
    assert (site / "static" / "rowbook" / "style.css").exists()
