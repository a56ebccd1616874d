"""Read a dotenv file (ROWBOOK_ENV_FILE or ./.env) the way Docker Compose reads `.env`.

python-dotenv does the parsing: `NAME=value`, `export NAME=value`, `# comments`,
an inline ` # comment` after an unquoted or quoted value, single quotes taken
literally, double quotes with backslash escapes (\\n, \\", \\\\), CRLF line ends.
We add what Compose does and python-dotenv does not: a UTF-8 byte order mark is
skipped. Unlike Compose, `$NAME`/`${NAME}` are not expanded (interpolate=False),
so a `$` in a password stays a `$`; and `NAME= # comment` is empty, where
Compose 2.26 takes `# comment` for the value.
tests/service/test_service_env_file.py runs the same lines through Compose.

A line that cannot be read is reported by its number only: it may hold a secret.
"""

from __future__ import annotations

import io
import logging
import re
from pathlib import Path

from dotenv import dotenv_values

# python-dotenv logs each line it cannot parse on this logger, with the line
# number as the only argument.
_DOTENV_LOGGER = logging.getLogger("dotenv.main")


def read_text(path: Path) -> tuple[str, str]:
    """(text, '') or ('', why it cannot be read); never raises for a bad path."""
    try:
        # Bytes first: no newline translation, a secret's \r stays. -sig skips a byte order mark.
        return path.read_bytes().decode("utf-8-sig"), ""
    except FileNotFoundError:
        return "", "that file does not exist"
    except IsADirectoryError:
        return "", "that is a directory, not a file"
    except PermissionError:
        return "", "that file cannot be read (permission denied)"
    except UnicodeDecodeError:
        return "", "that file is not UTF-8 text"
    except OSError as exc:
        return "", f"that file cannot be read ({exc.strerror or type(exc).__name__})"


class _LineCollector(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines: list[int] = []

    def emit(self, record):
        self.lines.extend(arg for arg in (record.args or ()) if isinstance(arg, int))


def _first_filled_line(lines: list[str], number: int) -> int:
    """python-dotenv counts from the blank lines before a statement; point at the statement."""
    while number <= len(lines) and not lines[number - 1].strip():
        number += 1
    return number


def _line_of_bare_name(lines: list[str], name: str) -> int:
    """The line holding `NAME` (or `export NAME`) alone; 0 if none does."""
    for number, line in enumerate(lines, start=1):
        words = [word.strip("'") for word in line.split("#", 1)[0].split()]
        if words in ([name], ["export", name]):
            return number
    return 0


def parse(text: str, shown_path: str) -> tuple[dict[str, str], list[str]]:
    """(values, problems) for the text of a dotenv file."""
    collector = _LineCollector()
    saved = _DOTENV_LOGGER.propagate, _DOTENV_LOGGER.level
    _DOTENV_LOGGER.addHandler(collector)
    # Collect the warnings whatever the log level is, and print none: we report them.
    _DOTENV_LOGGER.propagate = False
    _DOTENV_LOGGER.setLevel(logging.WARNING)
    try:
        parsed = dotenv_values(stream=io.StringIO(text), interpolate=False)
    finally:
        _DOTENV_LOGGER.propagate = saved[0]
        _DOTENV_LOGGER.setLevel(saved[1])
        _DOTENV_LOGGER.removeHandler(collector)
    lines = re.split(r"\r\n|\r|\n", text)  # python-dotenv's line ends, nothing else
    bad = {_first_filled_line(lines, number) for number in collector.lines}
    # A name without "=" (python-dotenv gives it the value None) is a mistake
    # too, often the second half of a secret that was wrapped onto two lines.
    bad |= {_line_of_bare_name(lines, name) for name, value in parsed.items() if value is None}
    problems = [f"{shown_path}:{number or '?'}: cannot read this line; expected NAME=value."
                for number in sorted(bad)]
    return {name: value for name, value in parsed.items() if value is not None}, problems
