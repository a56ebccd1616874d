"""The page model: a docs page read into the blocks the runner acts on.

The page is rendered for its release (releases.py), then expanded with
pymdownx.snippets as the site does (snippets.py), so a block holds byte for
byte what the reader sees on the site. sybil's Markdown lexers then find the
fenced blocks and the hidden ``<!-- test... -->`` comments. Line numbers
always refer to the page source in docs/.

Used by the runner, the MkDocs hooks, the editor's checks and the testers'
checklists alike.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from sybil import Document
from sybil.parsers.markdown.lexers import DirectiveInHTMLCommentLexer, RawFencedCodeBlockLexer

from . import releases
from .languages import Kind, kind_of
from .options import parse_options
from .project import current
from .snippets import expand_snippets
from .tabs import HEADING, TAB, Span, find_tabs, innermost, section_span

# ```lang title="file" ...   (the info line of a fence)
# Spaces may come before the language: "``` sh" is a sh block to Python-Markdown too.
FENCE_INFO = re.compile(r"[ \t]*(?P<language>[\w+-]*)(?P<attrs>[^\n]*)$\n", re.MULTILINE)
TITLE = re.compile(r'title="(?P<title>[^"]*)"')
# <!-- test: ... -->, <!-- test-hidden: bash ... -->, <!-- test-teardown: ... -->, <!-- test-page: ... -->,
# <!-- test-outcome: url=... user=... password-file=... -->, optionally with the
# reader's steps in the browser as a YAML list below that first line.
# `(?![\w-])`: a comment of another hook (`<!-- testers-checklists -->`) is not one.
COMMENT_DIRECTIVE = r"test(-hidden|-teardown|-page|-outcome)?(?![\w-])"
# The sentence after an outcome check that tells the reader what they have.
PROMISE = re.compile(r"(?P<text>[^\n]+(?:\n[ \t]*[^\n\s<`=#][^\n]*)*)")


@dataclass(frozen=True)
class PageId:
    """A page as one release shows it: `docs/x.md`, or `docs/x.md@0.1.1` for an older release."""

    path: str  # relative to the repository, e.g. docs/prerequisites.md
    release: str
    newest: bool = True

    def __str__(self) -> str:
        return self.path if self.newest else f"{self.path}@{self.release}"

    @classmethod
    def parse(cls, name: str) -> "PageId":
        """Back from the name reports use (`docs/x.md@0.1.1`)."""
        path, _, release = name.partition("@")
        return cls(path, release or releases.newest(), not release)

    @classmethod
    def of_scenario(cls, name: str) -> "PageId":
        """The page of a scenario's name (`docs/x.md@0.1.1 [variant]`, Plan.name)."""
        return cls.parse(name.split(" [", 1)[0])


@dataclass(frozen=True)
class Block:
    """One fenced block, or one hidden block, of a page."""

    page: PageId
    line: int  # 1-based line of the opening fence or comment in the page source
    language: str
    source: str
    kind: Kind
    title: str | None = None
    options: dict[str, str] = field(default_factory=dict)
    tab: tuple[int, str] | None = None  # (variant group, label) the block sits in
    end_line: int = 0  # 1-based line of the closing fence or comment end in the page source

    @property
    def key(self) -> tuple[str, int]:
        return (str(self.page), self.line)

    @property
    def where(self) -> str:
        return f"{self.page}:{self.line}"

    @property
    def shown(self) -> bool:
        """The reader sees it (hidden and teardown blocks are HTML comments)."""
        return self.kind not in (Kind.HIDDEN, Kind.TEARDOWN, Kind.OUTCOME)


@dataclass
class Page:
    id: PageId
    file: Path
    blocks: list[Block]
    options: dict[str, str]  # <!-- test-page: ... -->
    tab_groups: list[list[str]]  # labels of each group of variants, in order
    tab_options: dict[str, dict[str, str]] = field(default_factory=dict)  # by variant label
    title: str = ""
    # sha256 of the page as this release shows it, includes expanded, and of
    # the docs/ line of each block (text marked for another release can move
    # them without changing this text): a report's results hold for the page
    # only while this is unchanged.
    digest: str = ""

    @property
    def path(self) -> str:
        return str(self.id)

    def variants(self) -> list[str]:
        """Every tab label (and marked section) is a variant; a page with none has one, unnamed."""
        labels: list[str] = []
        for group in self.tab_groups:
            labels += [label for label in group if label not in labels]
        return labels or [""]

    def options_for(self, variant: str) -> dict[str, str]:
        """The page's options with the variant's own on top."""
        return {**self.options, **self.tab_options.get(variant, {})}

    def blocks_for(self, variant: str) -> list[Block]:
        """The blocks outside variants plus, in each group, the variant named
        `variant` (or the group's first when it has no such label)."""
        chosen = []
        for block in self.blocks:
            if block.tab is not None:
                group, label = block.tab
                labels = self.tab_groups[group]
                if label != (variant if variant in labels else labels[0]):
                    continue
            chosen.append(block)
        return chosen

    def own_blocks(self, variant: str) -> list[Block]:
        """The blocks only this variant runs (all of them for a page without variants)."""
        return [b for b in self.blocks if not variant or (b.tab is not None and b.tab[1] == variant)]


def _regions(document: Document) -> list[tuple[str, object]]:
    """The fences and the runner's comments of `document`, in page order."""
    regions = [("fence", r) for r in RawFencedCodeBlockLexer(info_pattern=FENCE_INFO)(document)]
    hidden = DirectiveInHTMLCommentLexer(directive=COMMENT_DIRECTIVE, arguments=r"[^\n]*?")
    regions += [("comment", r) for r in hidden(document)]
    regions.sort(key=lambda pair: pair[1].start)
    # A fence that shows Markdown (say, in the contributing guide) may hold
    # fences and test comments of its own: those are examples, not blocks.
    fences = [r for kind, r in regions if kind == "fence"]
    return [(kind, r) for kind, r in regions
            if not any(f is not r and f.start <= r.start and r.end <= f.end for f in fences)]


COMMENT_END = re.compile(r"--+>")


def without_runner_comments(text: str) -> str:
    """`text` with each runner comment (`<!-- test...: ... -->`) blanked out,
    however deep it is indented (in a tab, an admonition, a list).

    Markdown hides an HTML comment only where a block may start: indented in
    a tab, a multi-line one is read as text, its `#` lines as headings. Each
    comment becomes as many empty lines as it had, so the text around it keeps
    its blocks and its lines; a comment inside a fence is an example and stays.
    """
    pieces, done = [], 0
    for kind, region in _regions(Document(text, "")):
        if kind != "comment":
            continue
        end = COMMENT_END.search(text, region.end)  # the lexer's region stops short of it
        start = region.start
        pieces.append(text[done:start])
        pieces.append("\n" * text.count("\n", start, end.end()))
        done = end.end()
    pieces.append(text[done:])
    return "".join(pieces)


def read_page(path: Path, release: str | None = None) -> Page:
    """The page as `release` shows it (default: the newest); an older
    release's page is named `docs/page.md@VERSION`, its lines those of docs/."""
    release = release or releases.newest()
    source = path.read_text()
    text, line_of = expand_snippets(releases.render(source, release), release, source)
    page_id = PageId(current().relative(path), release, release == releases.newest())
    document = Document(text, str(path))

    def line_at(offset: int) -> int:
        return line_of[text.count("\n", 0, offset)]

    regions = _regions(document)

    def inside_block(offset: int) -> bool:
        return any(r.start <= offset < r.end for _, r in regions)

    def text_after(region) -> str:
        after = text[region.end:]
        return (after[after.find("-->") + 3:] if after.lstrip(" -").startswith(">") else after).lstrip("\n")

    groups, spans = find_tabs(text)
    sections = []
    for kind, region in regions:
        heading = HEADING.match(text_after(region)) if kind == "comment" else None
        if heading and region.lexemes["directive"] == "test" and "variant" in parse_options(region.lexemes["arguments"]):
            start = region.end + text[region.end:].find(heading.group(0))
            sections.append((*section_span(text, start, heading, inside_block), heading["title"]))
    if sections:
        groups.append([title for _, _, title in sections])
        spans += [Span(start, end, len(groups) - 1, title) for start, end, title in sections]

    blocks: list[Block] = []
    page_options: dict[str, str] = {}
    tab_options: dict[str, dict[str, str]] = {}
    pending: dict[str, str] = {}
    for kind, region in regions:
        lexemes = region.lexemes
        line = line_at(region.start)
        if kind == "comment":
            end_line = line_at(text.find("-->", region.start))
            directive = lexemes["directive"]
            options = parse_options(lexemes["arguments"]) if directive in ("test", "test-page") else {}
            # Options right above a tab line (=== "Label") or a variant
            # section's heading are that variant's.
            tab, heading = TAB.match(text_after(region)), HEADING.match(text_after(region))
            if directive == "test" and tab:
                tab_options.setdefault(tab["label"], {}).update(options)
            elif directive == "test" and heading and "variant" in options:
                tab_options.setdefault(heading["title"], {}).update(options)
            elif directive == "test":
                pending.update(options)
            elif directive == "test-page":
                page_options.update(options)
            elif directive == "test-outcome":
                # The check's options; its source is what the page promises the reader, right after it.
                promise = PROMISE.match(text_after(region).lstrip())
                options = parse_options(lexemes["arguments"])
                if str(lexemes["source"]).strip():
                    options["steps"] = str(lexemes["source"])
                blocks.append(Block(page_id, line, "outcome", promise["text"].strip() if promise else "",
                                    Kind.OUTCOME, options=options,
                                    tab=innermost(spans, region.start), end_line=end_line))
            else:
                # A hidden or teardown block takes the options right above it too (on=, timeout=).
                blocks.append(Block(page_id, line, lexemes["arguments"].strip() or "bash", str(lexemes["source"]),
                                    Kind(directive.removeprefix("test-")), options=pending,
                                    tab=innermost(spans, region.start), end_line=end_line))
                pending = {}
            continue
        end_line = line_at(max(region.end - 1, region.start))
        language = lexemes["language"]
        title = TITLE.search(lexemes["attrs"])
        blocks.append(Block(page_id, line, language, str(lexemes["source"]), kind_of(language),
                            title=title["title"] if title else None, options=pending,
                            tab=innermost(spans, region.start), end_line=end_line))
        pending = {}
    heading = re.search(r"^# (.+)$", text, re.MULTILINE)
    title = heading[1].strip() if heading else path.stem.replace("-", " ").capitalize()
    lines = " ".join(str(block.line) for block in blocks)
    return Page(page_id, path, blocks, page_options, groups, tab_options, title,
                hashlib.sha256(f"{text}\0{lines}".encode()).hexdigest())


def fence_spans(text: str) -> list[tuple[int, int]]:
    """(first line, last line), 1-based, of every fenced block of a Markdown
    text, found by the same lexer the page model uses."""
    document = Document(text, "<text>")
    spans = []
    for region in RawFencedCodeBlockLexer(info_pattern=FENCE_INFO)(document):
        spans.append((text.count("\n", 0, region.start) + 1, text.count("\n", 0, max(region.end - 1, 0)) + 1))
    return spans
