"""Internal links and anchors of the built site, checked offline.

Builds the published site (drafts left out) in strict mode with
mkdocs-htmlproofer-plugin turned on (external URLs are not fetched), and turns
MkDocs' and htmlproofer's complaints into findings at the line of the page
that holds the link.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from docs_site.paths import DOCS, MKDOCS_YML, ROOT
from guide_runner.site_config import CHECK_LINKS, dump, site_config

from .findings import Finding, shown_path

# Summary lines that repeat a finding already reported with its link.
REPEATS = ("Invalid links present", "Unable to locate source file", "Aborted with")

INVALID_URL = re.compile(r"htmlproofer: invalid url - (?P<url>\S+) \[(?P<status>\d+)\] \[(?P<page>[^\]]+)\]")
DOC_LINK = re.compile(r"Doc file '(?P<page>[^']+)' contains a[^']*'(?P<url>[^']+)'")
PROBLEM = re.compile(r"^\s*(?:\x1b\[[0-9;]*m)?(WARNING|ERROR)\s*(?:\x1b\[[0-9;]*m)?\s*-\s*(?P<message>.*)$")


def check_config(docs_dir: Path, site_dir: Path) -> dict:
    """mkdocs.yml with absolute paths, and no nav for another docs folder
    (the real nav names pages that folder does not have)."""
    config = site_config(docs_dir, site_dir=str(site_dir))
    if docs_dir.resolve() != DOCS.resolve():
        config["nav"] = None
    return config


def line_of(page: Path, url: str) -> int:
    """The first line of the page that holds the link (or its anchor), else 1."""
    if not page.exists():
        return 1
    path, _, anchor = url.partition("#")
    stem = path.rstrip("/").split("/")[-1]
    candidates = [url, f"#{anchor}" if anchor else "", stem]
    lines = page.read_text().split("\n")
    for candidate in filter(None, candidates):
        for number, text in enumerate(lines, 1):
            if candidate in text:
                return number
    return 1


def check_site(docs_dir: Path) -> list[Finding]:
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "mkdocs.yml"
        config.write_text(dump(check_config(docs_dir, Path(tmp) / "site")))
        # mkdocs.yml turns htmlproofer on with this variable (`!ENV`).
        env = {**os.environ, CHECK_LINKS: "true", "ROWBOOK_DOCS_DRAFTS": "hide", "NO_MKDOCS_2_WARNING": "1"}
        result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config)],
                                capture_output=True, text=True, cwd=ROOT, env=env)
    findings = []
    for line in (result.stdout + result.stderr).splitlines():
        problem = PROBLEM.match(line)
        if not problem:
            continue
        message = problem["message"]
        link = INVALID_URL.search(message) or DOC_LINK.search(message)
        if link:
            page = docs_dir / link["page"]
            findings.append(Finding(shown_path(page), line_of(page, link["url"]), "link", message))
        elif not any(repeat in message for repeat in REPEATS):
            findings.append(Finding(shown_path(MKDOCS_YML), 1, "build", message))
    if result.returncode != 0 and not findings:
        findings.append(Finding(shown_path(MKDOCS_YML), 1, "build", result.stderr.strip().splitlines()[-1]))
    return findings
