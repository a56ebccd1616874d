"""The runner syntax check: what a reader sees of a rendered page holds none
of the guide runner's syntax.

The runner reads comments such as `<!-- test-hidden: bash ... -->` in the
page source; on the site they must stay invisible. A comment Markdown did not
recognise (say, indented in a tab) is rendered as text, its `#` lines as
headings: this check finds that in the built HTML, wherever it sits.

Visible text is the HTML's text outside comments, scripts and styles. A part
of a page that lists runner syntax for the reader on purpose (the test notes)
carries the attribute `data-runner-syntax="shown"` and is not checked.
"""

from __future__ import annotations

from html.parser import HTMLParser

# What only the runner writes: the opening of its comments, their end, and
# its environment variables (RUNNER_FILES, RUNNER_...).
RUNNER_SYNTAX = ("<!-- test", "-->", "RUNNER_")
SHOWN = ("data-runner-syntax", "shown")
_UNSEEN = {"script", "style", "template"}


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[tuple[int, str]] = []  # (line in the HTML, text)
        self._skipped: str | None = None  # the tag whose content is not checked
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        if self._skipped is not None:
            self._depth += tag == self._skipped
        elif tag in _UNSEEN or SHOWN in attrs:
            self._skipped, self._depth = tag, 1

    def handle_endtag(self, tag):
        if self._skipped == tag:
            self._depth -= 1
            if self._depth == 0:
                self._skipped = None

    def handle_data(self, data):
        if self._skipped is None and data.strip():
            self.lines.append((self.getpos()[0], data))


def visible_runner_syntax(html: str) -> list[str]:
    """Each piece of runner syntax a reader sees in `html`, as
    "line N: ...the text around it...", in page order."""
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    # Text is split at tags (highlighted code is one span per token): join
    # it back per line of the HTML, so `<!-- test` split into spans is found.
    joined: dict[int, str] = {}
    for line, data in parser.lines:
        joined[line] = joined.get(line, "") + data
    found = []
    for line, text in joined.items():
        for syntax in RUNNER_SYNTAX:
            at = text.find(syntax)
            if at >= 0:
                found.append(f"line {line}: {text[max(0, at - 30):at + 50].strip()!r}")
                break
    return found
