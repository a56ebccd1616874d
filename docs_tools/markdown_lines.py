"""Walk the lines of a Markdown page, knowing which are inside a fence or an HTML comment."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
INLINE_CODE = re.compile(r"(`+).+?\1")


@dataclass
class Line:
    number: int  # 1-based
    text: str
    prose: bool  # False inside a fenced block, an HTML comment or the front matter


def lines(text: str) -> Iterator[Line]:
    fence = ""
    in_comment = False
    all_lines = text.split("\n")
    front_matter_end = -1
    if all_lines and all_lines[0].strip() == "---":
        for i in range(1, len(all_lines)):
            if all_lines[i].strip() in ("---", "..."):
                front_matter_end = i
                break
    for i, text_line in enumerate(all_lines):
        number = i + 1
        if i <= front_matter_end:
            yield Line(number, text_line, False)
            continue
        stripped = text_line.strip()
        if fence:
            if stripped.startswith(fence) and not stripped.strip(fence[0]):
                fence = ""
            yield Line(number, text_line, False)
            continue
        if in_comment:
            in_comment = "-->" not in text_line
            yield Line(number, text_line, False)
            continue
        opening = FENCE.match(text_line)
        if opening:
            fence = opening[1]
            yield Line(number, text_line, False)
            continue
        if stripped.startswith("<!--"):
            in_comment = "-->" not in stripped
            yield Line(number, text_line, False)
            continue
        yield Line(number, text_line, True)


def without_code(text: str) -> str:
    """The line with `inline code` blanked out, so words in code are not checked as prose."""
    return INLINE_CODE.sub(lambda m: " " * len(m.group()), text)
