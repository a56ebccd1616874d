"""Where things are in the Rowbook docs repository: for the site's hooks, the
editor's checks, the tests and the benchmarks.

The guide runner is configured in pyproject.toml ([tool.guide_runner]) and
reads its paths from there (guide_runner/project.py); this module is the
repository's own layout, and sets that project for code that uses the runner's
modules outside a pytest run (the site's hooks, the benchmarks).
"""

from __future__ import annotations

from pathlib import Path

from guide_runner import project

ROOT = Path(__file__).resolve().parents[1]
PROJECT = project.load(ROOT)
project.use_unless_set(PROJECT)

DOCS = PROJECT.docs
MKDOCS_YML = PROJECT.mkdocs_yml
DOCS_VERSIONS = PROJECT.releases
RELEASES_TOML = ROOT / "releases.toml"
SCRIPTS = ROOT / "scripts"
# Made by scripts/setup.sh and the runner, never committed.
CACHE = PROJECT.cache
CADDY = PROJECT.tools / "caddy"  # Debian's caddy, unpacked to check Caddyfiles
RENDITIONS = PROJECT.renditions  # included files as each older release has them
REPORTS = PROJECT.reports
COVERAGE_BASELINE = ROOT / "tests" / "coverage-baseline.json"


def relative(path: Path) -> str:
    """`path` as the repository names it (docs/x.md), or as given when outside it."""
    return PROJECT.relative(path)
