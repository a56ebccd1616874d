"""Fixtures shared by the site tests."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from docs_site.paths import ROOT



@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The site, built once per run with `mkdocs build --strict`."""
    site = tmp_path_factory.mktemp("site")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site)],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    return site
