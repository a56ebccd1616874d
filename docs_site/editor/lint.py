"""Markdown lint (pymarkdownlnt) and spelling (codespell), findings in our format.

pymarkdown reads its rule settings from [tool.pymarkdown] in pyproject.toml,
so it runs from the repository root.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from docs_site.paths import ROOT

from .findings import Finding, shown_path

CODESPELL_WORDS = Path(__file__).parent / "words" / "codespell-ignore.txt"

PYMARKDOWN_LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+):\d+: (?P<rule>MD\d+): (?P<message>.*)$")
CODESPELL_LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+): (?P<message>.*)$")


def _run(command: list[str]) -> list[str]:
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    return (result.stdout + result.stderr).splitlines()


def markdown_lint(paths: list[Path], pymarkdown: str) -> list[Finding]:
    findings = []
    for line in _run([pymarkdown, "scan", *map(str, paths)]):
        match = PYMARKDOWN_LINE.match(line)
        if match:
            findings.append(Finding(shown_path(match["path"]), int(match["line"]),
                                    f"markdownlint {match['rule']}", match["message"]))
        elif line.strip():
            raise RuntimeError(f"pymarkdown: {line}")
    return findings


def spelling(paths: list[Path], codespell: str) -> list[Finding]:
    findings = []
    for line in _run([codespell, "--ignore-words", str(CODESPELL_WORDS), *map(str, paths)]):
        match = CODESPELL_LINE.match(line)
        if match:
            findings.append(Finding(shown_path(match["path"]), int(match["line"]), "spelling", match["message"]))
        elif line.strip():
            raise RuntimeError(f"codespell: {line}")
    return findings
