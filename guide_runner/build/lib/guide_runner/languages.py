"""Which fenced-block languages the runner knows, and what kind of block each makes."""

from __future__ import annotations

from enum import StrEnum

from .configs import CHECKERS


class Kind(StrEnum):
    SHELL = "shell"  # run with bash
    CONSOLE = "console"  # `$ ` commands, output compared
    CONFIG = "config"  # written to its title's file, checked by its tool
    HIDDEN = "hidden"  # <!-- test-hidden: ... -->, run in page order
    TEARDOWN = "teardown"  # <!-- test-teardown: ... -->, run at the end, always
    OUTCOME = "outcome"  # <!-- test-outcome: url=... -->, what the reader has at the end, checked in a browser
    UNKNOWN = "unknown"  # shown to the reader, not run


LANGUAGES: dict[str, Kind] = {
    "bash": Kind.SHELL, "sh": Kind.SHELL, "shell": Kind.SHELL,
    # Pygments' names for a terminal session: `$ ` commands and their output.
    "console": Kind.CONSOLE, "shell-session": Kind.CONSOLE,
    **{language: Kind.CONFIG for language in CHECKERS},
}


def kind_of(language: str) -> Kind:
    return LANGUAGES.get(language.lower(), Kind.UNKNOWN)
