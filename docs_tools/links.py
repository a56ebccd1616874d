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

import yaml
from mkdocs.utils.yaml import yaml_load

from .findings import Finding, shown_path

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "mkdocs.yml"
HTMLPROOFER = {"validate_external_urls": False, "raise_error_after_finish": True}
# Summary lines that repeat a finding already reported with its link.
REPEATS = ("Invalid links present", "Unable to locate source file", "Aborted with")

INVALID_URL = re.compile(r"htmlproofer: invalid url - (?P<url>\S+) \[(?P<status>\d+)\] \[(?P<page>[^\]]+)\]")
DOC_LINK = re.compile(r"Doc file '(?P<page>[^']+)' contains a[^']*'(?P<url>[^']+)'")
PROBLEM = re.compile(r"^\s*(?:\x1b\[[0-9;]*m)?(WARNING|ERROR)\s*(?:\x1b\[[0-9;]*m)?\s*-\s*(?P<message>.*)$")


def check_config(docs_dir: Path, site_dir: Path) -> dict:
    """mkdocs.yml, with htmlproofer on, paths made absolute, and the nav dropped for another docs folder."""
    with CONFIG.open() as f:
        parent = yaml_load(f)
    plugins, proofer = [], dict(HTMLPROOFER)
    for entry in parent.get("plugins", ["search"]):
        name = entry if isinstance(entry, str) else next(iter(entry))
        if name == "htmlproofer":
            proofer.update(entry[name] or {} if isinstance(entry, dict) else {})
        else:
            plugins.append(entry)
    plugins.append({"htmlproofer": {**proofer, "enabled": True}})
    config = {
        "INHERIT": str(CONFIG),
        "docs_dir": str(docs_dir.resolve()),
        "site_dir": str(site_dir),
        "plugins": plugins,
        "hooks": [str(ROOT / hook) for hook in parent.get("hooks", [])],
    }
    if docs_dir.resolve() != (ROOT / "docs").resolve():
        config["nav"] = None  # the real nav names pages this folder does not have
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
        config.write_text(yaml.safe_dump(check_config(docs_dir, Path(tmp) / "site")))
        env = {**os.environ, "ROWBOOK_DOCS_DRAFTS": "hide", "NO_MKDOCS_2_WARNING": "1"}
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
            findings.append(Finding(shown_path(CONFIG), 1, "build", message))
    if result.returncode != 0 and not findings:
        findings.append(Finding(shown_path(CONFIG), 1, "build", result.stderr.strip().splitlines()[-1]))
    return findings
