"""MkDocs hook: the page "How these guides are tested" says exactly how.

docs/how-tested.md holds the marker `<!-- how-these-guides-are-tested -->`; this
hook replaces it with, per page, every test-only substitution and every skip
with its reason (a hidden step that stands in for what CI lacks says so in
a comment that starts with "# Test-only:"), read from the pages themselves
through the guide runner's page model: the same data the runner acts on and its coverage report counts.
"""

from __future__ import annotations

from pathlib import Path

from docs_site.marks.labels import stand_in
from guide_runner.languages import Kind
from guide_runner.page import Page, read_page

MARKER = "<!-- how-these-guides-are-tested -->"


TEST_ONLY = "Test-only:"  # how a hidden step's opening comment starts


def ci_only_reason(source: str) -> str:
    """The opening comment of a hidden step that stands in for something a
    reader has and CI has not (it starts with "# Test-only:"), as one line."""
    comment = []
    for line in source.strip().splitlines():
        if not line.startswith("#"):
            break
        comment.append(line.lstrip("#").strip())
    text = " ".join(comment)
    return text.removeprefix(TEST_ONLY).strip() if text.startswith(TEST_ONLY) else ""


def _page_lines(page: Page, docs_dir: Path) -> list[str]:
    link = f"[{page.title}]({page.file.relative_to(docs_dir).as_posix()})"
    lines = []
    for block in page.blocks:
        if "replace" in block.options:
            # Worded as the block's own mark words it (docs_site/marks/labels.py).
            lines.append(f"    - line {block.line}: run in CI with a local stand-in: {stand_in(block.options['replace'])}")
        if "skip" in block.options:
            lines.append(f"    - line {block.line}: not run in CI: {block.options['skip']}")
        if block.kind == Kind.HIDDEN and (why := ci_only_reason(block.source)):
            lines.append(f"    - line {block.line}: hidden step, in CI only: {why}")
    for variant in page.variants():
        if "skip" in page.tab_options.get(variant, {}):
            lines.append(f"    - {variant}: not run in CI: {page.tab_options[variant]['skip']}")
    outcomes = sum(b.kind == Kind.OUTCOME for b in page.blocks)
    hidden = sum(b.kind in (Kind.HIDDEN, Kind.TEARDOWN) for b in page.blocks)
    summary = f"- {link}: {outcomes} outcome check(s) in a browser, {hidden} hidden setup or cleanup step(s)"
    return [summary + (":" if lines else "; every command runs as shown."), *lines]


def how_tested(docs_dir: Path) -> str:
    pages = [read_page(path) for path in sorted(docs_dir.rglob("*.md"))]
    runnable = [p for p in pages if any(b.kind != Kind.UNKNOWN for b in p.blocks)]
    out = []
    for page in runnable:
        out += _page_lines(page, docs_dir)
    # The notes name what CI substitutes, runner variables included, on
    # purpose: the runner syntax check (docs_site/runner_syntax.py) skips them.
    return '<div data-runner-syntax="shown" markdown>\n\n' + "\n".join(out) + "\n\n</div>"


def on_page_markdown(markdown: str, page, config, **_) -> str:
    if MARKER not in markdown:
        return markdown
    return markdown.replace(MARKER, how_tested(Path(config.docs_dir)))
