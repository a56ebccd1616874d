"""The editor's checks, in one command: scripts/check-docs.sh [DOCS_DIR].

Runs Markdown lint, spelling, shellcheck on the shell blocks, the style rules
(style.py, command_width.py), and the internal links of the built site, on
every page under DOCS_DIR (default docs/). Prints each finding as
`path:line: rule: message` and exits with 1 when there is any.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from . import command_width, expectations, lint, links, shell_blocks, style
from .findings import Finding
from docs_site.paths import DOCS



def tool(name: str) -> str:
    """A tool from this virtualenv (pip installs them next to python), else from PATH."""
    local = Path(sys.executable).parent / name
    found = str(local) if local.exists() else shutil.which(name)
    if not found:
        raise SystemExit(f"{name} is not installed: run scripts/setup.sh --docs")
    return found


def run_checks(docs_dir: Path, skip_links: bool = False) -> list[Finding]:
    pages = sorted(docs_dir.rglob("*.md"))
    findings: list[Finding] = []
    findings += lint.markdown_lint(pages, tool("pymarkdown"))
    findings += lint.spelling(pages, tool("codespell"))
    shellcheck = tool("shellcheck")
    for page in pages:
        findings += shell_blocks.check_page(page, shellcheck)
        findings += style.check_page(page)
        findings += command_width.check_page(page)
        findings += expectations.check_page(page, docs_dir)
    if not skip_links:
        findings += links.check_site(docs_dir)
    return sorted(set(findings))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/check-docs.sh", description=__doc__.split("\n")[0])
    parser.add_argument("docs_dir", nargs="?", default=str(DOCS), type=Path)
    parser.add_argument("--no-links", action="store_true", help="skip the site build and link check (faster)")
    args = parser.parse_args(argv)
    findings = run_checks(args.docs_dir, args.no_links)
    for finding in findings:
        print(finding)
    pages = len(list(args.docs_dir.rglob("*.md")))
    print(f"{len(findings)} finding(s) in {pages} page(s)" if findings else f"no findings in {pages} page(s)",
          file=sys.stderr)
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
