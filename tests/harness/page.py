"""Read a docs page into the blocks the runner acts on.

The page is first expanded with pymdownx.snippets, configured exactly as in
mkdocs.yml, so a block holds byte for byte what the reader sees on the site.
sybil's Markdown lexers then find the fenced blocks and the hidden
``<!-- test... -->`` comments. Line numbers always refer to the page source.
"""

from __future__ import annotations

import difflib
import re
import shlex
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import markdown
import yaml
from sybil import Document
from sybil.parsers.markdown.lexers import DirectiveInHTMLCommentLexer, RawFencedCodeBlockLexer

from docs_tools import versions

from .languages import kind_of

ROOT = Path(__file__).resolve().parents[2]

# ```lang title="file" ...   (the info line of a fence)
FENCE_INFO = re.compile(r"(?P<language>[\w+-]*)(?P<attrs>[^\n]*)$\n", re.MULTILINE)
TITLE = re.compile(r'title="(?P<title>[^"]*)"')
# ## Heading   (a section that may be a variant)
HEADING = re.compile(r"(?P<hashes>#{2,6})[ \t]+(?P<title>[^\n]+?)[ \t]*$", re.MULTILINE)
HEADING_LINE = re.compile(r"^(?P<hashes>#{1,6})[ \t]", re.MULTILINE)
# === "Tab label"   (pymdownx.tabbed)
TAB = re.compile(r'^(?P<indent>[ \t]*)===\+?\s+"(?P<label>[^"]*)"', re.MULTILINE)


@dataclass
class Block:
    """One fenced block, or one hidden block, of a page."""

    page: str  # path relative to the repo root, e.g. docs/prerequisites.md
    line: int  # 1-based line of the opening fence or comment in the page source
    language: str
    source: str
    kind: str  # shell, console, config, hidden, teardown, unknown
    title: str | None = None
    options: dict[str, str] = field(default_factory=dict)
    tab: tuple[int, str] | None = None  # (tab group, label) the block sits in

    @property
    def key(self) -> tuple[str, int]:
        return (self.page, self.line)

    @property
    def where(self) -> str:
        return f"{self.page}:{self.line}"


@dataclass
class Page:
    path: str
    blocks: list[Block]
    options: dict[str, str]
    tab_groups: list[list[str]]  # labels of each group of content tabs, in order
    tab_options: dict[str, dict[str, str]] = field(default_factory=dict)  # by tab label

    def variants(self) -> list[str]:
        """Every tab label is a variant; a page with no tabs has one, unnamed."""
        labels: list[str] = []
        for group in self.tab_groups:
            labels += [label for label in group if label not in labels]
        return labels or [""]

    def blocks_for(self, variant: str) -> list[Block]:
        """The blocks outside tabs plus, in each tab group, the tab named
        `variant` (or the group's first tab when it has no such label)."""
        chosen = []
        for block in self.blocks:
            if block.tab is not None:
                group, label = block.tab
                labels = self.tab_groups[group]
                wanted = variant if variant in labels else labels[0]
                if label != wanted:
                    continue
            chosen.append(block)
        return chosen


def parse_options(text: str) -> dict[str, str]:
    """`skip="needs a GPU" exit=1 converge` -> {"skip": "needs a GPU", "exit": "1", "converge": ""}"""
    options = {}
    for token in shlex.split(text):
        key, _, value = token.partition("=")
        options[key] = value
    return options


@cache
def _snippets_preprocessor(version: str):
    config = yaml.load((ROOT / "mkdocs.yml").read_text(), Loader=yaml.BaseLoader)
    for entry in config["markdown_extensions"]:
        if isinstance(entry, dict) and "pymdownx.snippets" in entry:
            options = dict(entry["pymdownx.snippets"])
            break
    else:
        raise RuntimeError("mkdocs.yml does not configure pymdownx.snippets")
    # The included files as this release has them (docs_tools/versions.py).
    dirs = {d.name: d for d in versions.snippet_dirs(version)}
    options["base_path"] = [str(dirs.get(p, ROOT / p)) for p in options.get("base_path", ["."])]
    options["check_paths"] = options.get("check_paths") in ("true", True)
    md = markdown.Markdown(extensions=["pymdownx.snippets"], extension_configs={"pymdownx.snippets": options})
    return md.preprocessors["snippet"]


def expand_snippets(text: str, version: str | None = None, source: str | None = None) -> tuple[str, list[int]]:
    """Expand --8<-- includes; also return, for each expanded line, its line
    in `source` (the page file; default: `text` itself)."""
    expanded = _snippets_preprocessor(version or versions.newest()).run(text.split("\n"))
    original = (text if source is None else source).split("\n")
    line_of = [0] * len(expanded)
    matcher = difflib.SequenceMatcher(a=original, b=expanded, autojunk=False)
    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        for j in range(b1, b2):
            # A changed line (another release's text) keeps its place; an
            # included line belongs to the --8<-- line that pulled it in.
            line_of[j] = a1 + min(j - b1, max(a2 - a1 - 1, 0)) + 1
    return "\n".join(expanded), line_of


def _tabs(text: str) -> tuple[list[list[str]], list[tuple[int, int, int, str]]]:
    """Find content tab groups. Returns the groups' labels and, per tab,
    (start offset, end offset, group, label)."""
    lines = text.split("\n")
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    groups: list[list[str]] = []
    spans = []
    i = 0
    previous_tab_end = None  # (line index, indent) of the last tab's end
    while i < len(lines):
        match = TAB.match(lines[i])
        if not match:
            i += 1
            continue
        indent = len(match["indent"])
        # The tab's content is every following line indented deeper, or blank.
        j = i + 1
        while j < len(lines) and (not lines[j].strip() or len(lines[j]) - len(lines[j].lstrip()) > indent):
            j += 1
        # Consecutive tabs (nothing but blank lines between) form one group.
        if previous_tab_end and previous_tab_end[1] == indent and all(
            not line.strip() for line in lines[previous_tab_end[0] : i]
        ):
            groups[-1].append(match["label"])
        else:
            groups.append([match["label"]])
        spans.append((offsets[i], offsets[j], len(groups) - 1, match["label"]))
        previous_tab_end = (j, indent)
        i += 1  # nested tabs are found inside the content too
    return groups, spans


def read_page(path: Path, version: str | None = None) -> Page:
    """The page as release `version` shows it (default: the newest); an older
    release's page is named `docs/page.md@VERSION`, its lines those of docs/."""
    version = version or versions.newest()
    source = path.read_text()
    text, line_of = expand_snippets(versions.render(source, version), version, source)
    try:
        page_name = path.resolve().relative_to(ROOT).as_posix()
    except ValueError:  # a page outside the repository (the editor's checks on a temp copy)
        page_name = str(path)
    if version != versions.newest():
        page_name += f"@{version}"
    document = Document(text, str(path))
    groups, tab_spans = _tabs(text)

    def line_at(offset: int) -> int:
        return line_of[text.count("\n", 0, offset)]

    def tab_at(offset: int):
        inner = None
        for start, end, group, label in tab_spans:
            if start <= offset < end:
                inner = (group, label)  # the last match is the innermost
        return inner

    regions = []
    for region in RawFencedCodeBlockLexer(info_pattern=FENCE_INFO)(document):
        regions.append(("fence", region))
    hidden = DirectiveInHTMLCommentLexer(directive=r"test(-hidden|-teardown|-page)?", arguments=r"[^\n]*?")
    for region in hidden(document):
        regions.append(("comment", region))
    regions.sort(key=lambda pair: pair[1].start)
    # A fence that shows Markdown (say, in the contributing guide) may hold
    # fences and test comments of its own: those are examples, not blocks.
    fences = [r for kind, r in regions if kind == "fence"]
    regions = [
        (kind, r) for kind, r in regions
        if not any(f is not r and f.start <= r.start and r.end <= f.end for f in fences)
    ]

    def text_after(region) -> str:
        after = text[region.end:]
        return (after[after.find("-->") + 3:] if after.lstrip(" -").startswith(">") else after).lstrip("\n")

    # A section whose heading has `<!-- test: variant ... -->` right above it
    # is a variant, like a content tab: it runs alone, with the page's other
    # blocks, and is named after its heading.
    sections = []
    for kind, region in regions:
        heading = HEADING.match(text_after(region)) if kind == "comment" else None
        if heading and region.lexemes["directive"] == "test" and "variant" in parse_options(region.lexemes["arguments"]):
            start = region.end + text[region.end:].find(heading.group(0))
            level = len(heading["hashes"])
            end = len(text)
            for later in HEADING_LINE.finditer(text, start + len(heading.group(0))):
                inside_block = any(r.start <= later.start() < r.end for _, r in regions)  # `# comment` in code
                if len(later["hashes"]) <= level and not inside_block:
                    end = later.start()
                    break
            sections.append((start, end, heading["title"]))
    if sections:
        groups.append([title for _, _, title in sections])
        tab_spans += [(start, end, len(groups) - 1, title) for start, end, title in sections]

    blocks: list[Block] = []
    page_options: dict[str, str] = {}
    tab_options: dict[str, dict[str, str]] = {}
    pending: dict[str, str] = {}
    for kind, region in regions:
        lexemes = region.lexemes
        line = line_at(region.start)
        if kind == "comment":
            directive = lexemes["directive"]
            # Options right above a tab line (=== "Label") or a variant
            # section's heading are that variant's.
            options = parse_options(lexemes["arguments"]) if directive == "test" else {}
            tab, heading = TAB.match(text_after(region)), HEADING.match(text_after(region))
            if tab and directive == "test":
                tab_options.setdefault(tab["label"], {}).update(options)
            elif heading and "variant" in options:
                tab_options.setdefault(heading["title"], {}).update(options)
            elif directive == "test":
                pending.update(parse_options(lexemes["arguments"]))
            elif directive == "test-page":
                page_options.update(parse_options(lexemes["arguments"]))
            else:
                blocks.append(
                    Block(page_name, line, lexemes["arguments"].strip() or "bash", str(lexemes["source"]),
                          directive.removeprefix("test-"), tab=tab_at(region.start))
                )
            continue
        language = lexemes["language"]
        title = TITLE.search(lexemes["attrs"])
        blocks.append(
            Block(page_name, line, language, str(lexemes["source"]), kind_of(language),
                  title=title["title"] if title else None, options=pending, tab=tab_at(region.start))
        )
        pending = {}
    return Page(page_name, blocks, page_options, groups, tab_options)
