"""What a test run ran on, for the coverage report: the date, the commit,
the operating system, Docker Engine and Compose.

The site shows it on every page next to the marks the run earned
(docs_site/hooks/block_marks.py), so each fact is what a reader would type
to find it out: /etc/os-release, `docker version`, `docker compose version`.
A fact that cannot be found is None, and the site leaves it out.
"""

from __future__ import annotations

import os
import subprocess
from datetime import datetime, timezone
from pathlib import Path

from .project import current

OS_RELEASE = Path("/etc/os-release")


def os_name(os_release: str) -> str | None:
    """`NAME="Debian GNU/Linux"` and `VERSION_ID="12"` -> "Debian 12"."""
    fields = {}
    for line in os_release.splitlines():
        key, _, value = line.partition("=")
        fields[key.strip()] = value.strip().strip('"')
    name = fields.get("NAME", "").split(" ")[0]
    return " ".join(filter(None, [name, fields.get("VERSION_ID", "")])) or None


def _output(command: list[str], run=subprocess.run) -> str | None:
    try:
        result = run(command, capture_output=True, text=True, timeout=30, cwd=current().root)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result.stdout.strip() if result.returncode == 0 and result.stdout.strip() else None


def commit(run=subprocess.run) -> str | None:
    return _output(["git", "rev-parse", "HEAD"], run)


def collect(run=subprocess.run, os_release: Path = OS_RELEASE) -> dict:
    """The facts of this run; `run` stands in for subprocess.run in tests."""
    compose = _output(["docker", "compose", "version", "--short"], run)
    status = _output(["git", "status", "--porcelain", "--untracked-files=no"], run)
    return {
        "date": datetime.now(timezone.utc).date().isoformat(),
        "commit": commit(run),
        "commit_date": _output(["git", "show", "-s", "--format=%cs", "HEAD"], run),
        "local_changes": bool(status),  # committed files changed since that commit
        "os": os_name(os_release.read_text()) if os_release.exists() else None,
        "docker": _output(["docker", "version", "--format", "{{.Server.Version}}"], run),
        "compose": compose.removeprefix("v") if compose else None,
        "ci": bool(os.environ.get("CI")),  # GitHub Actions and most CI services set CI=true
    }
