"""shellcheck on every shell block the guide runner extracts.

bash/sh/shell blocks, hidden and teardown blocks, and the commands of console
blocks are each written to a temp file under a `# shellcheck shell=bash`
header, keeping their line layout, so a finding maps back to page:line.
Console output lines become blank lines, `> ` continuation prompts are dropped.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path

from guide_runner.console import parse as parse_console
from guide_runner.languages import Kind
from docs_site import paths  # noqa: F401 (sets the runner's project: this repository)
from guide_runner.page import Block, read_page

from .findings import Finding, shown_path

HEADER = "# shellcheck shell=bash\n"
# Blocks of a page share one shell, as in one terminal, so a variable set (or
# used) in another block is normal: SC2154 and SC2034 would only be noise.
# SC1091: a sourced file (e.g. /etc/os-release) may not exist where we check.
# SC2164: the runner runs blocks with `set -e`, a failed cd already stops it.
# SC2024 (sudo does not affect redirects): guides redirect `sudo -u postgres
# pg_dump` into the reader's own file on purpose, and a redirect that does
# need root fails its test, which runs as a non-root sudo user on a server.
EXCLUDED = ["SC2154", "SC2034", "SC1091", "SC2164", "SC2024"]
SHELL_KINDS = (Kind.SHELL, Kind.HIDDEN, Kind.TEARDOWN)


def script_of(block: Block) -> str | None:
    """The block as a script whose line N is the block's line N, or None if it holds no shell."""
    if block.kind in SHELL_KINDS and block.language.lower() in ("bash", "sh", "shell"):
        return block.source
    if block.kind != Kind.CONSOLE:
        return None
    layout = [""] * len(block.source.rstrip("\n").split("\n"))
    try:
        commands = parse_console(block.source)
    except ValueError:
        return None  # the runner itself reports a malformed console block
    for command in commands:
        for offset, text in enumerate(command.command.split("\n")):
            layout[command.line + offset] = text
    return "\n".join(layout) + "\n"


def page_line(block: Block, page_lines: list[str], script_line: int) -> int:
    """The page line of the block's line `script_line` (1-based); the block's own line when
    the block's text came from an include and so has no line of its own in the page."""
    first = block.line  # the fence or the comment opener; the block's text starts below it
    source = block.source.rstrip("\n").split("\n")
    shown = [line.strip() for line in page_lines[first : first + len(source)]]
    if block.kind == Kind.CONSOLE:
        same = len(shown) == len(source)
    else:
        same = shown == [line.strip() for line in source]
    return first + script_line if same else block.line


def check_page(path: Path, shellcheck: str = "shellcheck") -> list[Finding]:
    page = read_page(path)
    page_lines = path.read_text().split("\n")
    findings = []
    with tempfile.TemporaryDirectory() as tmp:
        for block in page.blocks:
            script = script_of(block)
            if not script or not script.strip():
                continue
            file = Path(tmp) / f"block-{block.line}.sh"
            file.write_text(HEADER + script)
            result = subprocess.run(
                [shellcheck, "--format=json1", "--exclude=" + ",".join(EXCLUDED), str(file)],
                capture_output=True, text=True,
            )
            if result.returncode not in (0, 1):
                raise RuntimeError(f"shellcheck failed on {path}:{block.line}: {result.stderr}")
            for comment in json.loads(result.stdout or '{"comments": []}')["comments"]:
                line = page_line(block, page_lines, comment["line"] - 1)
                findings.append(Finding(shown_path(path), line, f"shellcheck SC{comment['code']}",
                                        f"{comment['level']}: {comment['message']}"))
    return findings
