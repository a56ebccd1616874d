"""Shared helpers for the editor's tests: a temp copy of the fixture site."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

FIXTURE_SITE = Path(__file__).parent / "site"


@pytest.fixture
def site_copy(tmp_path) -> Path:
    """A temp copy of tests/editor/site/, safe to plant mistakes in."""
    docs = tmp_path / "docs"
    shutil.copytree(FIXTURE_SITE, docs)
    return docs
