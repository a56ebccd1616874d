"""The options a page gives in its hidden comments: `<!-- test: skip="why" exit=1 -->`."""

from __future__ import annotations

import shlex


def parse_options(text: str) -> dict[str, str]:
    """`skip="needs a GPU" exit=1 converge` -> {"skip": "needs a GPU", "exit": "1", "converge": ""}"""
    options = {}
    for token in shlex.split(text):
        key, _, value = token.partition("=")
        options[key] = value
    return options


def pairs(value: str) -> list[tuple[str, str]]:
    """`"OLD=>NEW|OLD2=>NEW2"` -> [("OLD", "NEW"), ("OLD2", "NEW2")] (replace=, answers=);
    a part with no `=>` gives ("part", None)."""
    found = []
    for part in filter(None, value.split("|")):
        old, arrow, new = part.partition("=>")
        found.append((old, new if arrow else None))
    return found
