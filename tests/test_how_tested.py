"""The page "How these guides are tested" (docs/how-tested.md) names every test-only
substitution, skip and test-only hidden step of the pages, by line."""

from __future__ import annotations

from docs_site.hooks.how_tested import how_tested, ci_only_reason
from guide_runner.languages import Kind
from guide_runner.page import read_page
from docs_site.paths import DOCS


def test_a_ci_only_hidden_step_gives_its_comment_as_the_reason():
    source = ("# Test-only: CI cannot reach the docs site, so a stand-in\n"
              "# serves the feed.\n"
              "docker run ...\n"
              "# a later comment is not part of it\n")
    assert ci_only_reason(source) == "CI cannot reach the docs site, so a stand-in serves the feed."


def test_a_hidden_step_a_reader_also_does_has_no_reason():
    assert ci_only_reason("# The reader knows the admin password.\nopenssl rand -hex 12\n") == ""


def lines_for(listed: str, page_file: str) -> list[str]:
    """The indented lines under a page's own line of the list."""
    lines = listed.split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("- [") and f"]({page_file})" in line)
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("- [")), len(lines))
    return lines[start + 1:end]


def test_every_substitution_skip_and_ci_only_step_is_listed_by_line():
    listed = how_tested(DOCS)
    for path in sorted(DOCS.rglob("*.md")):
        page = read_page(path)
        for block in page.blocks:
            ci_only = block.kind == Kind.HIDDEN and ci_only_reason(block.source)
            if "replace" in block.options or "skip" in block.options or ci_only:
                under = lines_for(listed, path.relative_to(DOCS).as_posix())
                assert any(line.startswith(f"    - line {block.line}: ") for line in under), \
                    f"{block.where} is not listed on the Home page"
