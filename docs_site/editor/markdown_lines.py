"""Walk the lines of a Markdown page, knowing which are prose: not inside a
fenced block (found by the page model's own lexer), an HTML comment or the
front matter."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

from guide_runner.page import fence_spans

INLINE_CODE = re.compile(r"(`+).+?\1")


@dataclass
class Line:
    number: int  # 1-based
    text: str
    prose: bool  # False inside a fenced block, an HTML comment or the front matter


def _front_matter_end(lines: list[str]) -> int:
    """The 1-based line that closes the front matter, or 0 when there is none."""
    if lines and lines[0].strip() == "---":
        for i in range(1, len(lines)):
            if lines[i].strip() in ("---", "..."):
                return i + 1
    return 0


def lines(text: str) -> Iterator[Line]:
    all_lines = text.split("\n")
    code = {n for first, last in fence_spans(text) for n in range(first, last + 1)}
    front_matter_end = _front_matter_end(all_lines)
    in_comment = False
    for number, text_line in enumerate(all_lines, 1):
        stripped = text_line.strip()
        if number <= front_matter_end or number in code:
            yield Line(number, text_line, False)
        elif in_comment:
            in_comment = "-->" not in text_line
            yield Line(number, text_line, False)
        elif stripped.startswith("<!--"):
            in_comment = "-->" not in stripped
            yield Line(number, text_line, False)
        else:
            yield Line(number, text_line, True)


def without_code(text: str) -> str:
    """The line with `inline code` blanked out, so words in code are not checked as prose."""
    return INLINE_CODE.sub(lambda m: " " * len(m.group()), text)
