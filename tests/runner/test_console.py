"""The console matcher: commands, expected output, placeholders."""

from __future__ import annotations

import random

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


# `rowbook check` through `docker run`: ok lines on stdout, a warning on stderr.
SHOWN = "ok: settings\nwarning: 2 migrations not applied\nok: database\n"
STDOUT, STDERR = "ok: settings\nok: database\n", "warning: 2 migrations not applied\n"


@pytest.mark.parametrize("came", [
    "warning: 2 migrations not applied\nok: settings\nok: database\n",
    "ok: settings\nok: database\nwarning: 2 migrations not applied\n",
])
def test_the_two_streams_may_come_in_any_order_between_them(came):
    assert not console.matches(SHOWN, came)  # read as one stream, the order differs
    assert console.matches(SHOWN, came, (STDOUT, STDERR))


def test_each_stream_keeps_its_own_order():
    swapped = "ok: database\nwarning: 2 migrations not applied\nok: settings\n"
    assert not console.matches(swapped, STDOUT + STDERR, (STDOUT, STDERR))
    assert not console.matches(SHOWN, STDOUT + STDERR + "more\n", (STDOUT, STDERR + "more\n"))
    # `...` stands for lines of either stream.
    assert console.matches("ok: settings\n...\n", STDERR + STDOUT, (STDOUT, STDERR))
    assert console.matches("warning: <number> migrations ...\n...\n", STDOUT + STDERR, (STDOUT, STDERR))


def test_output_on_one_stream_is_compared_in_its_order():
    assert not console.matches("b\na\n", "a\nb\n", ("a\nb\n", ""))


def test_very_long_output_is_not_searched_for_every_order():
    """A limit, so a long log cannot hold a worker: there the page must show the order that came."""
    many = "".join(f"line {n}\n" for n in range(3000))
    assert console.matches("warning\n" + many, "warning\n" + many, (many, "warning\n"))
    assert not console.matches("warning\n" + many, many + "warning\n", (many, "warning\n"))
    few = "".join(f"line {n}\n" for n in range(300))
    assert console.matches("warning\n" + few, few + "warning\n", (few, "warning\n"))


def test_a_command_s_streams_are_read_apart_and_together_in_order(tmp_path):
    from guide_runner.shell import Session

    session = Session(tmp_path, {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    result = session.run("echo out1; sleep 0.2; echo err1 >&2; sleep 0.2; printf 'out2'", timeout=30)
    assert result.exit_status == 0
    assert result.streams == ("out1\nout2", "err1\n")
    assert result.output == "out1\nerr1\nout2"
    timed_out = session.run("echo started; echo oops >&2; sleep 30", timeout=1)
    assert timed_out.exit_status is None
    assert timed_out.output == "started\noops\n" and timed_out.streams == ("started\n", "oops\n")


def test_functions_and_aliases_carry_to_the_next_block_as_in_one_terminal(tmp_path):
    """Issue #41: a page that defines a helper function or an alias, then uses it below."""
    from guide_runner.shell import Session

    session = Session(tmp_path, {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    assert session.run("greet() { echo \"hello $1\"; }\nalias ll='echo listing'\nll", timeout=30).output == "listing\n"
    later = session.run("greet reader\nll", timeout=30)
    assert (later.exit_status, later.output) == (0, "hello reader\nlisting\n")
    session.run("unset -f greet; unalias ll", timeout=30)
    gone = session.run("type greet ll >/dev/null 2>&1 || echo gone", timeout=30)
    assert gone.output == "gone\n"


def _interleavings(out: list[str], err: list[str]):
    if not out or not err:
        yield out + err
        return
    for rest in _interleavings(out[1:], err):
        yield [out[0], *rest]
    for rest in _interleavings(out, err[1:]):
        yield [err[0], *rest]


def test_the_search_agrees_with_trying_every_order():
    """Against every interleaving tried one by one (small cases, with `...`
    anywhere), matched as one stream."""
    rng = random.Random(20261206)
    for _ in range(400):
        out = [rng.choice("abc") for _ in range(rng.randint(0, 4))]
        err = [rng.choice("abc") for _ in range(rng.randint(0, 3))]
        shown = [rng.choice(["a", "b", "c", "..."]) for _ in range(rng.randint(0, 5))]
        text = lambda lines: "".join(line + "\n" for line in lines)
        expected = any(console.matches(text(shown), text(order)) for order in _interleavings(out, err))
        assert console.matches(text(shown), text(out + err), (text(out), text(err))) == expected, (shown, out, err)


def test_a_placeholder_of_the_pages_own_stands_for_its_regular_expression():
    """Issue #41: output no built-in placeholder covers, shown to the reader as a word."""
    placeholders = console.placeholders_of({"placeholder-size": r"\d+(\.\d+)? [KMG]B", "timeout": "30"})
    assert placeholders == {"<size>": r"(?:\d+(\.\d+)? [KMG]B)"}
    assert console.matches("backup.dump <size>", "backup.dump 1.5 MB\n", placeholders=placeholders)
    assert not console.matches("backup.dump <size>", "backup.dump 1.5 parsecs\n", placeholders=placeholders)
    # With the built-in ones and `...`, and when the two streams came apart.
    assert console.matches("<size> in <number> s ...", "3 KB in 2 s (fast)\n", placeholders=placeholders)
    assert console.matches("<size>\nwarning", "warning\n2 KB\n", ("2 KB\n", "warning\n"), placeholders)
    assert not console.matches("<size>", "2 KB\n")  # not a placeholder where the block does not name it


@pytest.mark.parametrize("options, message", [
    ({"placeholder-size": "(unclosed"}, 'placeholder-size="(unclosed" is not a regular expression'),
    ({"placeholder-Size": "x"}, "placeholder-Size: a placeholder's name is lower-case letters"),
])
def test_a_placeholder_that_cannot_work_is_refused_naming_its_option(options, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        console.placeholders_of(options)


def test_an_output_line_that_starts_with_a_prompt_is_output_where_the_block_says_so():
    """Issue #41: `cat` of a page that itself shows a terminal."""
    source = "$ cat session.txt\n$ echo hello\nhello\n$ true\n"
    (listing, last) = console.parse(source, console.output_lines_of({"output-lines": "2 3"}))
    assert (listing.command, listing.expected) == ("cat session.txt", "$ echo hello\nhello")
    assert (last.line, last.command) == (3, "true")
    assert len(console.parse(source)) == 3  # without the option: three commands
    with pytest.raises(ValueError, match='output-lines="two": give line numbers of the block'):
        console.output_lines_of({"output-lines": "two"})
