"""The console matcher: commands, expected output, placeholders."""

from __future__ import annotations

import pytest

from guide_runner import console

# Reads no page of docs/ (its pages are tests/runner/pages): --changed does not run it for a page change.
pytestmark = pytest.mark.reads_pages()


def test_commands_and_their_output_are_split_at_each_prompt():
    (first, second) = console.parse("$ echo a\na\n$ true\n")
    assert (first.line, first.command, first.expected) == (0, "echo a", "a")
    assert (second.line, second.command, second.expected) == (2, "true", "")


def test_a_continued_command_keeps_its_lines():
    (command,) = console.parse("$ printf '%s\\n' \\\n> one two\none\ntwo\n")
    assert command.command == "printf '%s\\n' \\\none two"
    assert command.expected == "one\ntwo"


def test_a_block_must_start_with_a_prompt():
    with pytest.raises(ValueError, match="line 1 of the console block does not start with"):
        console.parse("echo a\n")


@pytest.mark.parametrize("expected, actual", [
    ("Docker Compose version <version>", "Docker Compose version 2.26.1-4"),
    ("id <hash>", "id 3f2a9c1"),
    ("started <date>", "started 2026-11-24T21:13:14Z"),
    ("<number> rows on port <port>", "12 rows on port 5432"),
    ("first\n...\nlast", "first\nlast"),
    ("first\n...\nlast", "first\na\nb\nlast"),
    ("a ... b", "a anything at all b"),
    ("trailing spaces", "trailing spaces   \n\n"),
    ("colour", "\x1b[32mcolour\x1b[0m"),
])
def test_placeholders_and_ellipses_match_what_varies(expected, actual):
    assert console.matches(expected, actual)


@pytest.mark.parametrize("expected, actual", [
    ("Docker Compose version <version>", "Docker Compose version two"),
    ("first\nlast", "first\nmiddle\nlast"),
    ("a", ""),
    ("", "unexpected"),
    ("<port>", "123456"),
])
def test_anything_else_must_be_equal(expected, actual):
    assert not console.matches(expected, actual)


def test_a_difference_is_a_unified_diff():
    assert console.diff("alpha\ngamma", "alpha\nbeta").endswith("-gamma\n+beta")
