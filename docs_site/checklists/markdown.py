"""Render the testers' checklists as Markdown for the site (docs/testers.md and its printable copy)."""

from __future__ import annotations

import posixpath
import re

from markdown.extensions.toc import slugify

from guide_runner import releases
from guide_runner.languages import Kind
from guide_runner.site_config import mkdocs_yml

from docs_site.checklists.checklist import ENVIRONMENT, Checklist, Step
from docs_site.marks.results import FRESH, PageProof

PLACEHOLDER = "<!-- testers-checklists -->"
PRINT_PAGE = "testers-print.md"
STEP_MARK = "**Step "  # every item starts with it; the drift test counts them
# What the last test run proved is for testers on the page, not for the site search.
NOT_SEARCHED = "{ data-search-exclude }"


def _fence(language: str, source: str, indent: str) -> str:
    # A fence longer than any run of backticks in the source, so it cannot close early.
    longest = max((len(run) for run in re.findall(r"`+", source)), default=0)
    ticks = "`" * max(3, longest + 1)
    body = "\n".join(indent + line if line else "" for line in source.rstrip("\n").split("\n"))
    return f"{indent}{ticks}{language}\n{body}\n{indent}{ticks}"


def _link(target: str, text: str, from_page: str) -> str:
    """A link from the page at from_page to the docs page target (both relative to docs/)."""
    return f"[{text}]({posixpath.relpath(target, posixpath.dirname(from_page) or '.')})"


def check_first(step: Step, proof: PageProof | None) -> str:
    """Why a tester should look at this step first ("" if the test run proved it)."""
    mark = proof.marks.get(step.block.line) if proof and proof.state == FRESH else None
    return "" if mark is None or mark.proven else f"{mark.text}."


def anchor(heading: str) -> str:
    """The id MkDocs gives a heading (the toc extension's slugify, code marks dropped)."""
    return slugify(heading.replace("`", ""), "-")


def render_step(step: Step, checklist: Checklist, from_page: str, proof: PageProof | None = None) -> str:
    indent = "    "
    where = _link(checklist.page, checklist.title, from_page)
    if step.section:  # named by its heading, as the tester sees the page, not by a source line
        shown = step.section.replace("`", "")
        where += ", section " + _link(f"{checklist.page}#{anchor(step.section)}", shown, from_page)
    parts = [f"{step.number}. {STEP_MARK}{step.number}** ({where}) &nbsp; ☐ pass &nbsp; ☐ fail"]
    if check_first(step, proof):
        # What CI substituted, named on purpose (docs_site/runner_syntax.py skips it).
        parts.append(f'{indent}**Check first:** <span data-runner-syntax="shown">{check_first(step, proof)}</span>'
                     f"\n{indent}{NOT_SEARCHED}")
    elif step.skipped:
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


def proof_summary(checklist: Checklist, proof: PageProof) -> str:
    """What the last test run proved of the guide, and which steps to check first."""
    run = f"The last test run ({proof.run.get('date')}, {'in CI' if proof.run.get('ci') else 'local'})"
    if proof.state != FRESH:
        return f"The guide changed since its last test run ({proof.run.get('date')}): no step of it is proven."
    first = [str(step.number) for step in checklist.steps if check_first(step, proof)]
    if not first:
        return f"{run} proved every step."
    steps = f"step {first[0]}" if len(first) == 1 else f"steps {', '.join(first)}"
    return f"{run} could not prove {steps} as shown: check {'it' if len(first) == 1 else 'them'} first."


def render_checklist(checklist: Checklist, from_page: str, proof: PageProof | None = None) -> str:
    parts = [f"## {checklist.name}"]
    intro = f"Follow {_link(checklist.page, checklist.title, from_page)}"
    intro += f', tab "{checklist.variant}"' if checklist.variant else ""
    if checklist.starts_from:
        base = posixpath.normpath(posixpath.join(posixpath.dirname(checklist.page), checklist.starts_from))
        tab = f', tab "{checklist.starts_from_variant}"' if checklist.starts_from_variant else ""
        release = checklist.starts_from_release
        if release and release != releases.newest():
            # An upgrade starts from the older release's install, as that release's docs show it.
            url = f"{mkdocs_yml()['site_url']}{release}/{base.removesuffix('.md')}/"
            intro += f". First install Rowbook {release}: follow [{base} in the {release} docs]({url}){tab}"
        else:
            intro += f". First do the checklist of {_link(base, base, from_page)}{tab}"
    parts.append(intro + f". It has {len(checklist.steps)} steps.")
    if proof is not None:
        parts.append(f"{proof_summary(checklist, proof)}\n{NOT_SEARCHED}")
    parts += [render_step(step, checklist, from_page, proof) for step in checklist.steps]
    return "\n\n".join(parts)


def render_environment() -> str:
    rows = "\n".join(f"| {what} | `{command}` | |" for what, command in ENVIRONMENT)
    return (
        "## Your environment\n\n"
        "Record these with your report; run each command in a terminal on the test machine.\n\n"
        "| what | command | your result |\n|---|---|---|\n" + rows
    )


def render_all(checklists: list[Checklist], from_page: str, printable_link: bool = True,
               proofs: dict[str, PageProof] | None = None) -> str:
    """The checklists as Markdown; `proofs` (by guide page, relative to the
    docs folder) mark the steps the last test run did not prove."""
    parts = []
    if printable_link:
        parts.append(f"A [printable version]({posixpath.relpath(PRINT_PAGE, posixpath.dirname(from_page) or '.')}) "
                     "of this page has no navigation.")
    parts.append(render_environment())
    if not checklists:
        parts.append('!!! note "No checklists yet"\n\n    No install guide has steps to follow yet.')
    parts += [render_checklist(c, from_page, (proofs or {}).get(c.page)) for c in checklists]
    return "\n\n".join(parts) + "\n"


def printable_page(title: str, body: str) -> str:
    """The print page: no navigation, no table of contents, not in the search."""
    return (
        "---\nhide:\n  - navigation\n  - toc\n  - footer\nsearch:\n  exclude: true\n---\n\n"
        f"# {title}\n\n{body}"
    )
