"""Testers' checklists, generated from the guides themselves so they cannot drift.

One checklist per install path: per guide page, or per content tab of it.
Every step the runner executes (each visible shell, console or config block)
is one numbered item, with its command(s) and the result to expect.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from guide_runner.console import parse as parse_console
from guide_runner.languages import Kind
from docs_site.editor import markdown_lines
from guide_runner.page import Block, read_page

# The pages a tester follows, relative to the docs folder.
GUIDE_PATTERNS = ["install/*.md", "quickstart.md", "upgrade.md"]
# Block kinds a reader runs or writes; hidden and teardown blocks are the test's own.
# The outcome (sign in, see the page) is a step too: the one that matters most.
STEP_KINDS = (Kind.SHELL, Kind.CONSOLE, Kind.CONFIG, Kind.OUTCOME)
DEFAULT_EXPECTATION = "the command finishes without an error"
FAILURE_BOX = re.compile(r"^(?P<indent>[ \t]*)(?:\?\?\?\+?|!!!)[ \t]+(?:failure|bug)\b")
HEADING = re.compile(r"^#{1,6}[ \t]+(?P<title>.+?)[ \t]*(?:\{[^}]*\})?$")

# What a tester records about the machine, and how to find it out.
ENVIRONMENT = [
    ("Operating system and version", '. /etc/os-release && echo "$PRETTY_NAME"'),
    ("CPU architecture", "uname -m"),
    ("Docker Engine version", "docker version --format '{{.Server.Version}}'"),
    ("Docker Compose version", "docker compose version"),
]


@dataclass
class Step:
    number: int
    block: Block
    commands: list[tuple[str, str]]  # (command, what it should show)
    expected: str
    skipped: str = ""  # why CI does not run this step, if it does not
    section: str = ""  # the heading of the page's section the step is in, as a tester sees it


@dataclass
class Checklist:
    page: str  # relative to the docs folder, e.g. install/docker-compose.md
    title: str
    variant: str  # the content tab, or "" for a page without tabs
    starts_from: str = ""  # the page to follow first (relative to this page), if any
    starts_from_variant: str = ""
    starts_from_release: str = ""  # the base page as this release's docs show it (an upgrade starts from it)
    steps: list[Step] = field(default_factory=list)
    sections: tuple[str, ...] = ()  # the page's headings, in order
    needs_in_intro: bool = False  # the guide's first lines list what you need ("You need:")

    @property
    def name(self) -> str:
        return f"{self.title}: {self.variant}" if self.variant else self.title


def guide_paths(docs_dir: Path) -> list[Path]:
    paths: list[Path] = []
    for pattern in GUIDE_PATTERNS:
        paths += sorted(docs_dir.glob(pattern))
    return paths


def is_step(block: Block, boxes: list[range] = ()) -> bool:
    """A block the tester acts on. A configuration shown only to be read
    (`parse-only`: the runner checks it, nobody writes it) is no step, nor is
    a block in one of `boxes`: what to do when something fails (the test
    makes it fail first, in hidden blocks; a tester's healthy install shows
    something else)."""
    return (block.kind in STEP_KINDS and not (block.kind == Kind.CONFIG and "parse-only" in block.options)
            and not any(block.line in box for box in boxes))


def failure_boxes(lines: list[str]) -> list[range]:
    """The page lines (1-based) of each `??? failure` or `!!! failure` box
    (and `bug`): its first line, then every blank or further indented one."""
    boxes = []
    for number, line in enumerate(lines, 1):
        opening = FAILURE_BOX.match(line)
        if not opening:
            continue
        indent, end = len(opening["indent"]), number
        for following in lines[number:]:
            if following.strip() and len(following) - len(following.lstrip()) <= indent:
                break
            end += 1
        boxes.append(range(number, end + 1))
    return boxes


def _first_sentence(text: str) -> str:
    """The text up to the first full stop that ends a sentence (not one inside `code` or 24.0.7)."""
    in_code = False
    for i, char in enumerate(text):
        if char == "`":
            in_code = not in_code
        elif char in ".!?" and not in_code and (i + 1 == len(text) or text[i + 1].isspace()):
            return text[: i + 1]
    return text


def you_should_see(lines: list[str], block: Block) -> str:
    """The first sentence after the block that starts with "You should see", if the
    prose right after it (up to the next block or heading) has one."""
    after = []
    for line in lines[block.end_line :]:
        stripped = line.strip()
        if stripped.startswith(("```", "~~~", "#", "===", "!!!", "???")):
            break
        after.append(stripped)
    prose = re.sub(r"<!--.*?-->", " ", " ".join(after), flags=re.DOTALL)
    prose = re.sub(r"\s+", " ", prose).strip()
    match = re.search(r"(?:^|(?<=[.!?:] ))You should see\b", prose)
    return _first_sentence(prose[match.start():]) if match else ""


def make_step(number: int, block: Block, lines: list[str], headings: list[tuple[int, str]]) -> Step:
    sentence = you_should_see(lines, block)
    if block.kind == Kind.CONSOLE:
        commands = [(c.command, c.expected) for c in parse_console(block.source)]
        expected = "each command prints what the page shows under it" + (f". {sentence}" if sentence else "")
    elif block.kind == Kind.OUTCOME:
        where = block.options.get("url", "the address the page names")
        refused = "refused" in block.options
        commands = [(f"In a browser, open {where} (or your own domain, as the page says) and "
                     f"{'try to sign in' if refused else 'sign in'} as `{block.options.get('user', 'admin')}`", "")]
        expected = block.source or ("the sign-in is refused" if refused else "you are signed in")
    elif block.kind == Kind.CONFIG:
        what = f"Create the file `{block.title}`" if block.title and "parse-only" not in block.options \
            else "Check the configuration"
        commands = [(f"{what} with the content shown on the page", "")]
        expected = sentence or (f"`{block.title}` holds exactly the content shown on the page"
                                if block.title and "parse-only" not in block.options else DEFAULT_EXPECTATION)
    else:
        commands = [(block.source.rstrip("\n"), "")]
        expected = sentence or DEFAULT_EXPECTATION
    return Step(number, block, commands, expected, skipped=block.options.get("skip", ""),
                section=section_of(headings, block.line))


def section_headings(lines: list[str]) -> list[tuple[int, str]]:
    """(line, title) of every heading of the page, in order; a `# comment` in
    a code block or a hidden block is no heading. Read once per page."""
    found = []
    for entry in markdown_lines.lines("\n".join(lines)):
        heading = HEADING.match(entry.text) if entry.prose else None
        if heading:
            found.append((entry.number, heading["title"]))
    return found


def section_of(headings: list[tuple[int, str]], line: int) -> str:
    """The title of the last heading above page line `line` (1-based)."""
    return next((title for number, title in reversed(headings) if number < line), "")


def checklists_for(path: Path, docs_dir: Path) -> list[Checklist]:
    """The checklists of one guide page: one per variant; none if it has no steps."""
    lines = path.read_text().split("\n")
    headings = section_headings(lines)
    boxes = failure_boxes(lines)
    page = read_page(path)
    relative = path.resolve().relative_to(docs_dir.resolve()).as_posix()
    result = []
    for variant in page.variants():
        options = page.options_for(variant)
        blocks = [b for b in page.blocks_for(variant) if is_step(b, boxes)]
        if not blocks:
            continue
        checklist = Checklist(relative, page.title, variant,
                              options.get("starts-from", ""), options.get("from-variant", ""),
                              options.get("from-version", ""))
        checklist.steps = [make_step(n, block, lines, headings) for n, block in enumerate(blocks, 1)]
        checklist.sections = tuple(title for _line, title in headings)
        first_section = headings[1][0] if len(headings) > 1 else len(lines)
        checklist.needs_in_intro = any(line.strip() == "You need:" for line in lines[:first_section])
        result.append(checklist)
    return result


def all_checklists(docs_dir: Path, pages: list[Path] | None = None) -> list[Checklist]:
    result = []
    for path in pages if pages is not None else guide_paths(docs_dir):
        result += checklists_for(path, docs_dir)
    return result
