"""Material's copy button puts on the clipboard exactly what the guide runner
runs: a shell block byte for byte, and of a `console` block its commands
only, without the `$ ` prompts and the output, so that what a reader pastes
into a terminal runs."""

from __future__ import annotations

import pytest

from guide_runner import console
from guide_runner.languages import Kind
from tests.browser.clipboard import copied_by_buttons

# Pages readers copy from most, and a console block with a continued command.
PAGES = ["prerequisites", "quickstart", "install/docker-compose"]


def what_runs(block) -> list[str]:
    """The lines the runner runs for a block, as a reader would paste them."""
    if block.kind == Kind.CONSOLE:
        return [line for c in console.parse(block.source) for line in c.command.split("\n")]
    return block.source.rstrip("\n").split("\n")


@pytest.mark.parametrize("name", PAGES)
def test_copy_button_copies_what_the_runner_runs(browser, site_url, name):
    copied = copied_by_buttons(browser, site_url, name)
    for block, text in copied:
        lines = [line for line in text.split("\n") if line.strip()] if block.kind == Kind.CONSOLE \
            else text.rstrip("\n").split("\n")
        assert lines == what_runs(block), f"{block.where} ({block.kind})"
    assert any(block.kind == Kind.CONSOLE for block, _ in copied) or name != "prerequisites"
