"""Render the testers' checklists as Markdown for the site (docs/testers.md and its printable copy)."""

from __future__ import annotations

import posixpath
import re

from guide_runner.languages import Kind

from docs_site.checklists.checklist import ENVIRONMENT, Checklist, Step

PLACEHOLDER = "<!-- testers-checklists -->"
PRINT_PAGE = "testers-print.md"
STEP_MARK = "**Step "  # every item starts with it; the drift test counts them


def _fence(language: str, source: str, indent: str) -> str:
    # A fence longer than any run of backticks in the source, so it cannot close early.
    longest = max((len(run) for run in re.findall(r"`+", source)), default=0)
    ticks = "`" * max(3, longest + 1)
    body = "\n".join(indent + line if line else "" for line in source.rstrip("\n").split("\n"))
    return f"{indent}{ticks}{language}\n{body}\n{indent}{ticks}"


def _link(target: str, text: str, from_page: str) -> str:
    """A link from the page at from_page to the docs page target (both relative to docs/)."""
    return f"[{text}]({posixpath.relpath(target, posixpath.dirname(from_page) or '.')})"


def render_step(step: Step, checklist: Checklist, from_page: str) -> str:
    indent = "    "
    where = f"{_link(checklist.page, checklist.title, from_page)}, line {step.block.line}"
    parts = [f"{step.number}. {STEP_MARK}{step.number}** ({where}) &nbsp; ☐ pass &nbsp; ☐ fail"]
    if step.skipped:
        parts.append(f"{indent}CI does not run this step ({step.skipped}): your report is the only test it gets.")
    block = step.block
    if block.kind == Kind.CONSOLE:
        parts.append(_fence("console", block.source, indent))
    elif block.kind == Kind.SHELL:
        parts.append(_fence("bash", block.source, indent))
    else:
        parts.append(f"{indent}{step.commands[0][0]}.")
    parts.append(f"{indent}Expected: {step.expected.rstrip('.')}.")
    return "\n\n".join(parts)


def render_checklist(checklist: Checklist, from_page: str) -> str:
    parts = [f"## {checklist.name}"]
    intro = f"Follow {_link(checklist.page, checklist.title, from_page)}"
    intro += f', tab "{checklist.variant}"' if checklist.variant else ""
    if checklist.starts_from:
        base = posixpath.normpath(posixpath.join(posixpath.dirname(checklist.page), checklist.starts_from))
        tab = f', tab "{checklist.starts_from_variant}"' if checklist.starts_from_variant else ""
        intro += f". First do the checklist of {_link(base, base, from_page)}{tab}"
    parts.append(intro + f". It has {len(checklist.steps)} steps.")
    parts += [render_step(step, checklist, from_page) for step in checklist.steps]
    return "\n\n".join(parts)


def render_environment() -> str:
    rows = "\n".join(f"| {what} | `{command}` | |" for what, command in ENVIRONMENT)
    return (
        "## Your environment\n\n"
        "Record these with your report; run each command in a terminal on the test machine.\n\n"
        "| what | command | your result |\n|---|---|---|\n" + rows
    )


def render_all(checklists: list[Checklist], from_page: str, printable_link: bool = True) -> str:
    parts = []
    if printable_link:
        parts.append(f"A [printable version]({posixpath.relpath(PRINT_PAGE, posixpath.dirname(from_page) or '.')}) "
                     "of this page has no navigation.")
    parts.append(render_environment())
    if not checklists:
        parts.append('!!! note "No checklists yet"\n\n    No install guide has steps to follow yet.')
    parts += [render_checklist(c, from_page) for c in checklists]
    return "\n\n".join(parts) + "\n"


def printable_page(title: str, body: str) -> str:
    """The print page: no navigation, no table of contents, not in the search."""
    return (
        "---\nhide:\n  - navigation\n  - toc\n  - footer\nsearch:\n  exclude: true\n---\n\n"
        f"# {title}\n\n{body}"
    )
