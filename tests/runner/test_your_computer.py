"""`on="your computer"`: on a page for a server, a block runs on the reader's own
computer (the test host, a terminal of its own) instead of on the server."""

from __future__ import annotations

import pytest

from guide_runner import GuideFailure, read_page
from guide_runner.evaluators import terminal_for
from guide_runner.shell import Session

# Reads no page of docs/ (its pages are tests/runner/pages): --changed does not run it for a page change.
pytestmark = pytest.mark.reads_pages()


class FakeServer:  # only whether there is one matters here; no Docker
    pass


def test_a_block_of_a_server_page_on_your_computer_runs_in_a_terminal_with_a_home_of_its_own(tmp_path):
    session = Session(tmp_path, {"HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin"}, machine=FakeServer())
    computer = session.computer
    assert computer.machine is None and computer is session.computer
    assert computer.env["HOME"] == str(tmp_path / "your-computer" / "home")
    result = computer.run("cd ~ && echo $PWD && NAME=kept", 10)
    assert result.output.strip() == str(tmp_path / "your-computer" / "home")
    assert computer.run('echo "$NAME"', 10).output.strip() == "kept"  # its own carried state


def test_on_a_page_for_this_machine_your_computer_is_the_same_terminal(tmp_path):
    session = Session(tmp_path, {"HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin"})
    assert session.computer is session


def test_a_block_on_anything_else_is_refused_naming_the_choices(tmp_path):
    page = tmp_path / "p.md"
    page.write_text('<!-- test: on="the server" -->\n```bash\ntrue\n```\n')
    (block,) = read_page(page).blocks
    with pytest.raises(GuideFailure, match='on="the server": a block runs on the server the page is for, '
                                           'or on="your computer"'):
        terminal_for(block, Session(tmp_path, {"HOME": str(tmp_path)}))


def test_a_hidden_block_takes_the_options_right_above_it(tmp_path):
    page = tmp_path / "p.md"
    page.write_text('<!-- test: on="your computer" timeout=30 -->\n<!-- test-hidden: bash\ntrue\n-->\n\n'
                    '```bash\ntrue\n```\n')
    hidden, shown = read_page(page).blocks
    assert hidden.options == {"on": "your computer", "timeout": "30"}
    assert shown.options == {}
