"""style-long-command: a shown command line wider than a code block.

At 1280 px a code block of this site shows 80 characters (measured in
Chromium, CONTRIBUTING.md "Style rules for the guides"); a longer line
scrolls sideways, and a reader who reads the start of a command does not see
where it ends. Commands are broken with `\\` at the end of a line, the rest
indented by two spaces, in bash blocks and console blocks alike.

Only what a reader sees is checked: bash and console blocks, included files
among them (a listed script is read too); hidden blocks, configuration
listings and output lines are not, nor a line that is one word (a URL on a
line of its own, after a `\\`), which has nowhere to break.
"""

from __future__ import annotations

from pathlib import Path

from guide_runner.languages import Kind
from guide_runner.page import read_page

from .findings import Finding, shown_path
from .shell_blocks import page_line, script_of

WIDTH = 80


def too_wide(block_lines: list[str], script: str) -> list[tuple[int, int]]:
    """(line of the block, 0-based; its width) of each command line over WIDTH.
    A console block's line is measured as shown, with its `$ ` prompt."""
    found = []
    for number, text in enumerate(script.rstrip("\n").split("\n")):
        if not text.strip():
            continue  # a console block's output line, or a blank line
        if len(text.strip().removesuffix("\\").split()) == 1:
            continue  # one word (a long URL) on a line of its own: nowhere to break it
        shown = block_lines[number] if number < len(block_lines) else text
        if len(shown) > WIDTH:
            found.append((number, len(shown)))
    return found


def check_page(path: Path) -> list[Finding]:
    page = read_page(path)
    page_lines = path.read_text().split("\n")
    findings = []
    for block in page.blocks:
        if not block.shown or block.kind not in (Kind.SHELL, Kind.CONSOLE):
            continue
        script = script_of(block)
        if not script:
            continue
        shown = block.source.rstrip("\n").split("\n") if block.kind == Kind.CONSOLE else []
        for number, width in too_wide(shown, script):
            findings.append(Finding(
                shown_path(path), page_line(block, page_lines, number + 1), "style-long-command",
                f"{width} characters: a code block shows {WIDTH}, the rest scrolls out of sight; "
                "break the command with `\\` at the end of a line and indent the rest by two spaces"))
    return findings
