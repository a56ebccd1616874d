"""Material's copy button puts on the clipboard exactly what the guide runner
runs: a shell block byte for byte, and of a `console` block its commands
only, without the `$ ` prompts and the output, so that what a reader pastes
into a terminal runs."""

from __future__ import annotations

import pytest

from guide_runner.languages import Kind
from tests.browser.clipboard import copied_by_buttons, copied_lines, copies_what_runs, shown_blocks, what_runs

# Pages readers copy from most, a console block with a continued command, and
# a Caddyfile indented with a tab (Material turns tabs into spaces unless told).
PAGES = ["prerequisites", "quickstart", "install/docker-compose", "install/without-docker"]


@pytest.mark.parametrize("name", PAGES)
def test_copy_button_copies_what_the_runner_runs(browser, site_url, name):
    copied = copied_by_buttons(browser, site_url, name)
    for block, text in copied:
        assert copied_lines(block, text) == what_runs(block), f"{block.where} ({block.kind})"
    assert any(block.kind == Kind.CONSOLE for block, _ in copied) or name != "prerequisites"


def test_a_copy_that_differs_from_what_runs_by_one_character_or_line_is_told_apart():
    # The checklist and paste tests run a scenario again only for such a copy.
    blocks = shown_blocks("quickstart")
    for kind in (Kind.SHELL, Kind.CONSOLE):
        block = next(b for b in blocks if b.kind == kind)
        as_copied = "\n".join(what_runs(block)) + "\n"
        assert copies_what_runs(block, as_copied), block.where
        assert not copies_what_runs(block, as_copied.replace(" ", "  ", 1)), block.where
        assert not copies_what_runs(block, as_copied + "echo one more line\n"), block.where
        assert not copies_what_runs(block, "\n".join(what_runs(block)[1:])), block.where
