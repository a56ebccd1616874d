"""The paste check: what a reader pastes must run as the runner runs it.

The runner runs a block as a script. A reader pastes it into a terminal,
where a command that reads its standard input reads the lines pasted after
it: `docker compose exec -T db dropdb ...` followed by two more lines ran
only the first, and took the others as dropdb's input. So a block may hold
such a command only as its last command, or with its input given (`< file`,
a here-document, a pipe into it).
"""

from __future__ import annotations

import re

from . import console
from .languages import Kind
from .page import Block

# Commands that hand the terminal's input to a container or a remote host.
READS_INPUT = re.compile(
    r"(?:^|[;&|(]\s*|\s)(?:sudo\s+)?"
    r"(docker\s+compose\s+(?:exec|run)\b"  # Compose attaches stdin unless told otherwise
    r"|docker\s+(?:exec|run)\s+(?:[^|;&]*\s)?-(?:i|it|ti)\b"  # plain Docker only with -i
    r"|ssh(?=\s)(?![^|;&]*\s-n\b))")
HEREDOC = re.compile(r"<<-?\s*(['\"]?)(\w+)\1")
REDIRECTED = re.compile(r"(?<![<0-9])<(?![<(])|<<")


def command_lines(block: Block) -> list[tuple[int, str]]:
    """(line number, command) of each command a reader would paste: continuation
    lines and compound commands joined, here-document bodies and comments
    left out."""
    if block.kind == Kind.CONSOLE:  # its commands as the console evaluator reads them
        try:
            parsed = console.parse(block.source)
        except ValueError:
            return []  # a malformed block: its evaluator fails it, saying why
        return [(block.line + 1 + command.line,
                 " ".join(part.removesuffix("\\").strip() for part in command.command.split("\n")))
                for command in parsed]
    commands: list[tuple[int, str]] = []
    compound: list[str] = []  # the lines of a compound command read so far
    start, terminator, depth, continued = 0, "", 0, ""
    for offset, line in enumerate(block.source.split("\n")):
        if terminator:
            if line.strip() == terminator:
                terminator = ""
            continue
        if not continued and not compound:
            start = offset
        if line.rstrip().endswith("\\"):
            continued += line.rstrip()[:-1] + " "
            continue
        logical, continued = (continued + line).strip(), ""
        if not logical or logical.startswith("#"):
            continue
        heredoc = HEREDOC.search(logical)
        if heredoc:
            terminator = heredoc.group(2)
        # Bash reads a compound command (`{ ... }`, `if ... fi`, a loop) whole
        # before it runs any of it: what a command inside reads comes after it.
        compound.append(logical)
        depth = max(depth + _opened(logical), 0)
        if depth == 0:
            commands.append((block.line + 1 + start, " ".join(compound)))
            compound = []
    if compound:  # never closed: one command to the end
        commands.append((block.line + 1 + start, " ".join(compound)))
    return commands


# Their words where a command starts: `echo wait for it` opens nothing.
COMPOUND_OPEN = re.compile(r"(?:^|[;&|()]\s*|\b(?:then|do|else)\s+)(?:\{|if|for|while|until|case|select)(?=\s|$)")
COMPOUND_CLOSE = re.compile(r"(?:^|[;&]\s*)(?:\}|fi|done|esac)(?=[\s;&|)<>]|$)")
QUOTED = re.compile(r"'[^']*'|\"(?:[^\"\\]|\\.)*\"")


def _opened(line: str) -> int:
    """How many compound commands this line opens, less those it closes."""
    words = QUOTED.sub("''", line.split(" #")[0])
    return len(COMPOUND_OPEN.findall(words)) - len(COMPOUND_CLOSE.findall(words))


def swallowed(block: Block) -> list[str]:
    """Each command of a shown block that would read the lines pasted after it."""
    if block.kind not in (Kind.SHELL, Kind.CONSOLE) or not block.shown:
        return []
    commands = command_lines(block)
    problems = []
    for index, (line, command) in enumerate(commands[:-1]):
        found = READS_INPUT.search(command)
        if not found:
            continue
        rest = command[found.start(1):]
        if REDIRECTED.search(rest) or "|" in command[:found.start(1)]:
            continue  # its input is a file, a here-document or a pipe
        following = commands[index + 1][1]
        problems.append(
            f"{block.page}:{line}: `{command[:70]}` reads its input from the terminal: a reader who pastes "
            f"this block gives it the lines after it (`{following[:40]}` ...), which then never run. "
            f"Make it the block's last command, or give it its input (`< /dev/null`, `< file`).")
    return problems
