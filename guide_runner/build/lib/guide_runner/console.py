"""`console` blocks: commands after `$ `, each followed by the output it shows.

The shown output must match the real output. Where output varies, the page
writes a placeholder that a reader also understands:

- `...` on a line of its own stands for any number of lines (also none);
- `...` inside a line stands for any text on that line;
- `<version>`, `<hash>`, `<id>`, `<date>`, `<number>`, `<port>` stand for one such value;
- a placeholder of the page's own, named in the block's options with the
  regular expression it stands for: `<!-- test: placeholder-size="[0-9]+ [KM]B" -->`
  lets the block show `<size>`. The reader sees a word, the test a pattern.

An output line that itself starts with `$ ` (a script's listing) is marked
as output by its line in the block: `<!-- test: output-lines="3 4" -->`.

Trailing spaces and blank lines at the end are ignored. A command's two
streams have no order between them (through Docker, a warning on stderr may
come before or after the lines on stdout): the shown output matches when it
is the two streams' lines interleaved in any way that keeps each stream's own
order.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

PLACEHOLDERS = {
    "<version>": r"v?\d+(?:\.\d+)+(?:[-+~][0-9A-Za-z.+~-]*)?",
    "<hash>": r"[0-9a-f]{7,64}",
    "<id>": r"[0-9A-Za-z][0-9A-Za-z_.-]*",
    "<date>": r"\d{4}-\d{2}-\d{2}(?:[T ][0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?",
    "<number>": r"\d+(?:\.\d+)?",
    "<port>": r"\d{1,5}",
}
_TOKEN = re.compile("|".join(re.escape(p) for p in [*PLACEHOLDERS, "..."]))
PLACEHOLDER_OPTION = "placeholder-"
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


@dataclass
class Command:
    line: int  # offset of the `$ ` line inside the block (0-based)
    command: str
    expected: str


def parse(source: str, output_lines: frozenset[int] = frozenset()) -> list[Command]:
    """`output_lines`: lines of the block (1-based) that are output although they start with `$ `."""
    commands: list[Command] = []
    lines = source.rstrip("\n").split("\n")

    def is_command(i: int) -> bool:
        return lines[i].startswith("$ ") and i + 1 not in output_lines

    i = 0
    while i < len(lines):
        if not is_command(i):
            raise ValueError(f"line {i + 1} of the console block does not start with '$ ': {lines[i]!r}")
        start, command = i, lines[i][2:]
        while command.endswith("\\") and i + 1 < len(lines):  # a command continued on the next line
            i += 1
            command += "\n" + lines[i].removeprefix("> ")
        i += 1
        output = []
        while i < len(lines) and not is_command(i):
            output.append(lines[i])
            i += 1
        commands.append(Command(start, command, "\n".join(output)))
    return commands


def _normalise(text: str) -> list[str]:
    lines = [_ANSI.sub("", line).rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def output_lines_of(options: dict[str, str]) -> frozenset[int]:
    """`output-lines="3 4"`: lines of the block that are output, though they start with `$ `."""
    value = options.get("output-lines", "")
    if not re.fullmatch(r"\s*(\d+\s*)*", value):
        raise ValueError(f'output-lines="{value}": give line numbers of the block (1 for its first), '
                         'separated by spaces, e.g. output-lines="3 4"')
    return frozenset(int(n) for n in value.split())


def placeholders_of(options: dict[str, str]) -> dict[str, str]:
    """A block's own placeholders: `placeholder-size="REGEX"` -> {"<size>": REGEX}.
    Raises ValueError naming an option whose expression does not compile."""
    found = {}
    for key, value in options.items():
        if key.startswith(PLACEHOLDER_OPTION):
            name = key.removeprefix(PLACEHOLDER_OPTION)
            if not re.fullmatch(r"[a-z][a-z0-9-]*", name):
                raise ValueError(f"{key}: a placeholder's name is lower-case letters, digits and dashes")
            try:
                re.compile(value)
            except re.error as error:
                raise ValueError(f'{key}="{value}" is not a regular expression: {error}') from None
            found[f"<{name}>"] = f"(?:{value})"
    return found


def _tokens(extra: tuple[tuple[str, str], ...]) -> re.Pattern:
    return re.compile("|".join(re.escape(p) for p in [*dict(extra), *PLACEHOLDERS, "..."])) if extra else _TOKEN


def _line_pattern(line: str, extra: tuple[tuple[str, str], ...] = ()) -> str:
    known = {**PLACEHOLDERS, **dict(extra)}
    parts, last = [], 0
    for match in _tokens(extra).finditer(line):
        parts.append(re.escape(line[last : match.start()]))
        token = match.group()
        parts.append("[^\n]*?" if token == "..." else known[token])
        last = match.end()
    parts.append(re.escape(line[last:]))
    return "".join(parts)


def matches(expected: str, actual: str, streams: tuple[str, str] | None = None,
            placeholders: dict[str, str] | None = None) -> bool:
    """`actual`: the output as it came; `streams`: stdout and stderr apart,
    where they were read apart (any interleaving of the two then matches);
    `placeholders`: the block's own (placeholders_of)."""
    extra = tuple(sorted((placeholders or {}).items()))
    pattern = []
    for line in _normalise(expected):
        if line.strip() == "...":
            pattern.append(r"(?:[^\n]*\n)*?")
        else:
            pattern.append(_line_pattern(line, extra) + r"\n")
    text = "".join(line + "\n" for line in _normalise(actual))
    if re.fullmatch("".join(pattern), text) is not None:
        return True
    if streams is None or not all(streams):
        return False  # one stream only: its order is the order
    return _interleaved(_normalise(expected), _normalise(streams[0]), _normalise(streams[1]), extra)


# An interleaving is searched over (shown line, stdout line, stderr line):
# past this many states the output is too long to try every order.
_MOST_STATES = 2_000_000


def _interleaved(shown: list[str], out: list[str], err: list[str], extra: tuple[tuple[str, str], ...] = ()) -> bool:
    """Whether `shown` is `out` and `err` interleaved, each in its own order
    (`...` lines standing for any lines of either). Walks the shown lines
    once, keeping every (stdout, stderr) position the lines so far can end at."""
    if len(shown) * (len(out) + 1) * (len(err) + 1) > _MOST_STATES:
        return False
    reach = {(0, 0)}
    for line in shown:
        if line.strip() == "...":
            reach = _any_lines_after(reach, len(out), len(err))
            continue
        pattern = re.compile(_line_pattern(line, extra))
        reach = ({(j + 1, k) for j, k in reach if j < len(out) and pattern.fullmatch(out[j])}
                 | {(j, k + 1) for j, k in reach if k < len(err) and pattern.fullmatch(err[k])})
        if not reach:
            return False
    return (len(out), len(err)) in reach


def _any_lines_after(reach: set[tuple[int, int]], n_out: int, n_err: int) -> set[tuple[int, int]]:
    """Every position at or past one of `reach` in both streams: where `...`
    can end, having taken any lines of either."""
    fewest_err = n_err + 1  # the smallest stderr position reached with stdout at or before j
    starts = {}
    for j, k in reach:
        starts[j] = min(starts.get(j, n_err + 1), k)
    after = set()
    for j in range(n_out + 1):
        fewest_err = min(fewest_err, starts.get(j, n_err + 1))
        after.update((j, k) for k in range(fewest_err, n_err + 1))
    return after


def diff(expected: str, actual: str) -> str:
    return "\n".join(
        difflib.unified_diff(_normalise(expected), _normalise(actual), "shown on the page", "real output", lineterm="")
    )
