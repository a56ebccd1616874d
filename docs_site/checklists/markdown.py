"""Render the testers' checklists as Markdown for the site (docs/testers.md and its printable copy)."""

from __future__ import annotations

import html
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


RESULTS = ("pass", "fail", "blocked")


def result_choices(checklist: Checklist, step: Step) -> str:
    """Pass, fail or blocked, ticked on screen (or on paper); docs/javascripts/testers.js
    turns the ticks into the text of a report."""
    name = f"{anchor(checklist.name)}-{step.number}"
    return " &nbsp; ".join(
        f'<label class="tester-result"><input type="radio" name="{name}" value="{result}" '
        f'data-checklist="{anchor(checklist.name)}" data-step="{step.number}"> {result}</label>'
        for result in RESULTS)


def report_box(checklist: Checklist) -> str:
    """Where the ticks of a checklist become a report to paste into the issue form."""
    return (f'<div class="tester-report" data-checklist="{anchor(checklist.name)}" '
            f'data-name="{html.escape(checklist.name)}" data-steps="{len(checklist.steps)}" markdown>\n\n'
            "**Your report**: the ticks above, as text for the form's *Pass or fail per step* field. "
            "Add what you saw after a failed or blocked step.\n\n"
            '<textarea readonly rows="4" aria-label="Your report"></textarea>\n'
            '<button type="button" class="md-button">Copy the report</button>\n\n</div>')


def render_step(step: Step, checklist: Checklist, from_page: str, proof: PageProof | None = None) -> str:
    indent = "    "
    where = _link(checklist.page, checklist.title, from_page)
    if step.section:  # named by its heading, as the tester sees the page, not by a source line
        shown = step.section.replace("`", "")
        where += ", section " + _link(f"{checklist.page}#{anchor(step.section)}", shown, from_page)
    parts = [f"{step.number}. {STEP_MARK}{step.number}** ({where}) &nbsp; {result_choices(checklist, step)}"]
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


# By hand, a step takes a tester about this long to read, type and compare.
MINUTES_A_STEP = 2


def before_you_start(checklist: Checklist, from_page: str, release: str, ci_seconds: float | None,
                     prerequisites: str | None) -> str:
    """What a tester needs first, which build they test, and how long it takes."""
    section = "Before you start"
    if checklist.starts_from:
        need = "the install the line above names, done first (its own guide says what it needs)"
    elif section in checklist.sections:
        need = f"what its {_link(f'{checklist.page}#{anchor(section)}', section, from_page)} section lists"
    elif checklist.needs_in_intro:
        need = f"what the start of {_link(checklist.page, 'the guide', from_page)} lists under *You need*"
    elif prerequisites:
        need = f"a machine that passes the checks of {_link(prerequisites, 'Prerequisites', from_page)}"
    else:
        need = f"what {_link(checklist.page, 'the guide', from_page)} says you need"
    steps = len(checklist.steps)
    time = f"{steps} steps"
    if ci_seconds:
        ci_minutes = max(1, round(ci_seconds / 60))
        by_hand = -(-(steps * MINUTES_A_STEP + ci_minutes) // 5) * 5  # rounded up to 5 minutes
        time += (f"; CI follows them in about {ci_minutes} minute{'s' * (ci_minutes > 1)}, most of it waiting "
                 f"for downloads and starts. By hand, allow about {by_hand} minutes")
    # Paragraphs, not a list: a list here would run into the numbered steps.
    return "\n\n".join([
        f"**You need:** {need}.",
        f"**Build under test:** Rowbook {release}, the release these docs describe, downloaded where the "
        "guide downloads it.",
        f"**Time:** {time}.",
    ])


def render_checklist(checklist: Checklist, from_page: str, proof: PageProof | None = None,
                     release: str = "", ci_seconds: float | None = None, prerequisites: str | None = None) -> str:
    parts = [f"## {checklist.name}"]
    intro = f"Follow {_link(checklist.page, checklist.title, from_page)}"
    intro += f', tab "{checklist.variant}"' if checklist.variant else ""
    if checklist.starts_from:
        base = posixpath.normpath(posixpath.join(posixpath.dirname(checklist.page), checklist.starts_from))
        tab = f', tab "{checklist.starts_from_variant}"' if checklist.starts_from_variant else ""
        base_release = checklist.starts_from_release
        if base_release and base_release != releases.newest():
            # An upgrade starts from the older release's install, as that release's docs show it.
            url = f"{mkdocs_yml()['site_url']}{base_release}/{base.removesuffix('.md')}/"
            intro += (f". First install Rowbook {base_release}: follow "
                      f"[{base} in the {base_release} docs]({url}){tab}")
        else:
            intro += f". First do the checklist of {_link(base, base, from_page)}{tab}"
    parts.append(intro + ".")
    parts.append(before_you_start(checklist, from_page, release, ci_seconds, prerequisites))
    if proof is not None:
        parts.append(f"{proof_summary(checklist, proof)}\n{NOT_SEARCHED}")
    parts += [render_step(step, checklist, from_page, proof) for step in checklist.steps]
    parts.append(report_box(checklist))
    return "\n\n".join(parts)


def render_environment() -> str:
    rows = "\n".join(f"| {what} | `{command}` | |" for what, command in ENVIRONMENT)
    return (
        "## Your environment\n\n"
        "Record these with your report; run each command in a terminal on the test machine.\n\n"
        "| what | command | your result |\n|---|---|---|\n" + rows
    )


def render_all(checklists: list[Checklist], from_page: str, printable_link: bool = True,
               proofs: dict[str, PageProof] | None = None, release: str = "",
               ci_seconds: dict[str, float] | None = None, prerequisites: str | None = None) -> str:
    """The checklists as Markdown; `proofs` (by guide page, relative to the
    docs folder) mark the steps the last test run did not prove; `ci_seconds`
    (by checklist name) is how long CI took to follow each; `prerequisites`:
    the docs page that checks a machine, if the docs have one."""
    release = release or releases.newest()
    parts = []
    if printable_link:
        parts.append(f"A [printable version]({posixpath.relpath(PRINT_PAGE, posixpath.dirname(from_page) or '.')}) "
                     "of this page has no navigation.")
    parts.append(render_environment())
    if not checklists:
        parts.append('!!! note "No checklists yet"\n\n    No install guide has steps to follow yet.')
    parts += [render_checklist(c, from_page, (proofs or {}).get(c.page), release, (ci_seconds or {}).get(c.name),
                               prerequisites) for c in checklists]
    return "\n\n".join(parts) + "\n"


def printable_page(title: str, body: str) -> str:
    """The print page: no navigation, no table of contents, not in the search."""
    return (
        "---\nhide:\n  - navigation\n  - toc\n  - footer\nsearch:\n  exclude: true\n---\n\n"
        f"# {title}\n\n{body}"
    )
