"""The project's own style rules (CONTRIBUTING.md, "Style rules for the guides").

- style-heading-case: headings in sentence case: first word capitalised, later
  words lower case unless they are proper nouns (docs_site/editor/words/proper-nouns.txt),
  acronyms, or follow a colon.
- style-banned-word: no "simply", "just", "easy", "obviously": what is easy for
  the writer may not be for the reader, and the words add nothing.
- style-command-outside-fence: a `$ ` line in prose is a command the runner
  never sees; commands go in fenced blocks.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from .findings import Finding, shown_path
from .markdown_lines import lines, without_code

PROPER_NOUNS = Path(__file__).parent / "words" / "proper-nouns.txt"
BANNED = re.compile(r"\b(simply|just|easy|obviously)\b", re.IGNORECASE)
HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(?P<text>.+?)\s*#*\s*$")
ATTRIBUTES = re.compile(r"\{[^}]*\}\s*$")  # attr_list: ## Title {#anchor}
QUOTED = re.compile(r"\"[^\"]*\"|“[^”]*”")
LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")


@cache
def proper_nouns() -> frozenset[str]:
    words = [w.strip() for w in PROPER_NOUNS.read_text().split("\n")]
    return frozenset(w for w in words if w and not w.startswith("#"))


def heading_problem(text: str) -> str:
    """Why a heading is not in sentence case, or "" when it is."""
    text = ATTRIBUTES.sub("", text)
    text = LINK.sub(r"\1", text)
    text = QUOTED.sub('"x"', without_code(text))
    for phrase in (n for n in proper_nouns() if " " in n):  # names of several words
        text = text.replace(phrase, "Rowbook")
    words = text.split()
    if not words:
        return ""
    first = words[0].strip("*_([")
    if first[:1].isalpha() and first[:1].islower() and first not in proper_nouns():
        return f"start the heading with a capital letter: {first!r}"
    for previous, word in zip(words, words[1:]):
        bare = word.strip("*_()[],.;:!?'\"")
        if not bare[:1].isupper() or previous.endswith(":"):
            continue
        if bare in proper_nouns() or bare.isupper() or any(c.isdigit() for c in bare):
            continue
        if "-" in bare and all(part in proper_nouns() or part.isupper() for part in bare.split("-")):
            continue
        return f"use sentence case: {bare!r} should be lower case (or add it to {PROPER_NOUNS.name})"
    return ""


def check_page(path: Path) -> list[Finding]:
    findings = []
    shown = shown_path(path)
    for line in lines(path.read_text()):
        if not line.prose:
            continue
        heading = HEADING.match(line.text)
        if heading:
            problem = heading_problem(heading["text"])
            if problem:
                findings.append(Finding(shown, line.number, "style-heading-case", problem))
        for match in BANNED.finditer(without_code(line.text)):
            findings.append(Finding(shown, line.number, "style-banned-word",
                                    f"{match[1]!r} adds nothing and can sound condescending: remove it or rephrase"))
        if line.text.lstrip().startswith("$ "):
            findings.append(Finding(shown, line.number, "style-command-outside-fence",
                                    "a command outside a fenced block is never tested: put it in a console block"))
    return findings
