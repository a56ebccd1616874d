"""Where things are: the repository and the files the runner and the site read.

Every module that needs a path takes it from here, so the layout is written
down once.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
MKDOCS_YML = ROOT / "mkdocs.yml"
DOCS_VERSIONS = ROOT / "docs-versions.toml"
RELEASES_TOML = ROOT / "releases.toml"
SCRIPTS = ROOT / "scripts"
# Made by scripts/setup.sh and the runner, never committed.
CACHE = ROOT / ".cache"
CADDY = CACHE / "tools" / "caddy"  # Debian's caddy, unpacked to check Caddyfiles
RENDITIONS = CACHE / "docs-versions"  # included files as each older release has them
REPORTS = ROOT / "reports"
COVERAGE_BASELINE = ROOT / "tests" / "coverage-baseline.json"


def relative(path: Path) -> str:
    """`path` as the repository names it (docs/x.md), or as given when outside it."""
    try:
        return path.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return str(path)
