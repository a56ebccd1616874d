"""The marks and the page line as HTML, put into a rendered page.

The N-th code block (`<pre>`) of a page is the N-th shown block of the page
model, as for Material's copy buttons (tests/browser/test_browser_copy.py).
A mark is a one-line caption under its block: its words are text (print,
screen readers), its icon is CSS (docs/stylesheets/block-marks.css), its
`title` a Material tooltip (the `content.tooltips` feature).
"""

from __future__ import annotations

import re
from html import escape

from guide_runner.project import current

from docs_site.marks.labels import Mark
from docs_site.marks.results import CHANGED, FRESH, PageProof

PRE_END = re.compile(r"</pre>(</div>)?")
H1_END = "</h1>"


def inline(text: str) -> str:
    """The marks' Markdown (`code` only) as HTML."""
    return re.sub(r"`([^`]*)`", r"<code>\1</code>", escape(text, quote=False))


def mark_html(mark: Mark) -> str:
    # A stand-in mark names what CI ran instead, runner variables included, on
    # purpose: the runner syntax check (docs_site/runner_syntax.py) skips it.
    return (f'<p class="ci-mark ci-{mark.kind}" data-search-exclude data-runner-syntax="shown" '
            f'title="{escape(mark.title)}">{inline(mark.text)}</p>')


def with_marks(html: str, marks: list[Mark]) -> str | None:
    """`html` with each mark under its code block; None when the page's code
    blocks are not the marks' blocks one for one (then no mark is right)."""
    ends = list(PRE_END.finditer(html))
    if len(ends) != len(marks):
        return None
    out, last = [], 0
    for end, mark in zip(ends, marks):
        out += [html[last:end.end()], mark_html(mark)]
        last = end.end()
    return "".join(out) + html[last:]


def with_line(html: str, line: str) -> str:
    """The page line under the page's title (at the top if it has none)."""
    at = html.find(H1_END)
    at = 0 if at < 0 else at + len(H1_END)
    return f'{html[:at]}<p class="ci-line" data-search-exclude>{line}</p>{html[at:]}'


def run_described(run: dict) -> str:
    """"in CI on 2026-11-24 (commit 1a2b3c4) on Debian 12 with Docker Engine 20.10.24 and Compose 2.26.1"."""
    where = "in CI" if run.get("ci") else "in a local test run"
    commit = (run.get("commit") or "")[:7]
    changes = " with local changes" if run.get("local_changes") else ""
    text = f"{where} on {run.get('date', 'an unknown date')}" + (f" (commit {commit}{changes})" if commit else "")
    engines = [f"Docker Engine {run['docker']}" if run.get("docker") else "",
               f"Compose {run['compose']}" if run.get("compose") else ""]
    engines = " and ".join(filter(None, engines))
    if run.get("os"):
        text += f" on {run['os']}"
    return text + (f" with {engines}" if engines else "")


def page_line(proof: PageProof, report_url: str) -> str:
    """The page line, as HTML: when, on what, and how many steps the run proved."""
    run = proof.run
    local = not run.get("ci")
    facts = escape(run_described(run))
    if proof.state == CHANGED:
        return (f"Changed since last run: this page was edited after its last test run ({facts}), "
                "so its steps show no marks until the tests run it again.")
    if proof.state != FRESH:
        return f"Not in the last test run ({facts}): its steps show no marks until the tests run this page."
    counts = proof.counts
    shown = ["verified", "run"] + [k for k in ("checked", "failed") if counts[k]] + ["not run"]
    tally = ", ".join(f"{counts[k]} {k}" for k in shown)
    unproven = counts["failed"] + counts["not run"]
    text = (f"Every step on this page was run {facts}: {tally}" if not unproven else
            f"This page was tested {facts}: {tally}; check the steps marked “not run” or “failed” first")
    if proof.recorded:
        # An older release's page, not run since: say when it runs again (guide_runner/release_passes.py).
        text += (". Nothing these steps use has changed since, so later test runs did not repeat them; "
                 f"they run again when something does, and at least every {current().release_passes_days} days")
    where = "report: reports/coverage.txt" if local else f'<a href="{escape(report_url)}">CI report</a>'
    return f"{text} ({where})." if local or report_url else f"{text}."
