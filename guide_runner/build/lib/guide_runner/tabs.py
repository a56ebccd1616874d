"""Variants of a page: content tabs (`=== "Label"`) and marked sections.

A tab group's labels are variants; a section whose heading has
`<!-- test: variant -->` right above it is one too, named after its heading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# === "Tab label"   (pymdownx.tabbed)
TAB = re.compile(r'^(?P<indent>[ \t]*)===\+?\s+"(?P<label>[^"]*)"', re.MULTILINE)
# ## Heading   (a section that may be a variant)
HEADING = re.compile(r"(?P<hashes>#{2,6})[ \t]+(?P<title>[^\n]+?)[ \t]*$", re.MULTILINE)
HEADING_LINE = re.compile(r"^(?P<hashes>#{1,6})[ \t]", re.MULTILINE)


@dataclass(frozen=True)
class Span:
    """The text of one variant: [start, end) offsets, its group and label."""

    start: int
    end: int
    group: int
    label: str


def find_tabs(text: str) -> tuple[list[list[str]], list[Span]]:
    """Content tab groups: the groups' labels, and a span per tab."""
    lines = text.split("\n")
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    groups: list[list[str]] = []
    spans: list[Span] = []
    previous_tab_end = None  # (line index, indent) of the last tab's end
    for i, line in enumerate(lines):
        match = TAB.match(line)
        if not match:
            continue
        indent = len(match["indent"])
        # The tab's content is every following line indented deeper, or blank.
        j = i + 1
        while j < len(lines) and (not lines[j].strip() or len(lines[j]) - len(lines[j].lstrip()) > indent):
            j += 1
        # Consecutive tabs (nothing but blank lines between) form one group.
        if previous_tab_end and previous_tab_end[1] == indent and all(
            not between.strip() for between in lines[previous_tab_end[0] : i]
        ):
            groups[-1].append(match["label"])
        else:
            groups.append([match["label"]])
        spans.append(Span(offsets[i], offsets[j], len(groups) - 1, match["label"]))
        previous_tab_end = (j, indent)
        # nested tabs are found inside the content too: the loop goes on line by line
    return groups, spans


def section_span(text: str, heading_at: int, heading: re.Match, inside_block) -> tuple[int, int]:
    """A marked section: from its heading to the next heading of its level or
    higher that is not inside a block (`# comment` in code is no heading)."""
    level = len(heading["hashes"])
    for later in HEADING_LINE.finditer(text, heading_at + len(heading.group(0))):
        if len(later["hashes"]) <= level and not inside_block(later.start()):
            return heading_at, later.start()
    return heading_at, len(text)


def innermost(spans: list[Span], offset: int) -> tuple[int, str] | None:
    """(group, label) of the innermost variant holding `offset`, if any."""
    inner = None
    for span in spans:
        if span.start <= offset < span.end:
            inner = (span.group, span.label)  # the last match is the innermost
    return inner
