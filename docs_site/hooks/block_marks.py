"""MkDocs hook: every code block shows what the last test run proved of it,
and every page with code a line saying when, on what, and how many steps.

The results are the guide runner's coverage report (`extra.ci_results` in
mkdocs.yml, reports/coverage.json by default; docs_site/marks/results.py).

- No results (a newcomer's `mkdocs serve`): no marks, no line; nothing is claimed.
- A page edited since its run: "changed since last run", no marks.
- The published build (scripts/build-site.sh sets `extra.ci_results_required`)
  fails when the results are missing, unusable, or older than a page.
- The versioned build (`extra.docs_release`) reads that release's results
  (`docs/x.md@0.1.1`); the main site reads the newest's (`docs/x.md`).
"""

from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.exceptions import PluginError

from docs_site.paths import DOCS

from docs_site.marks.html import page_line, with_line, with_marks
from docs_site.marks.results import FRESH, PageProof, ResultsError, load, proof_of_file, release_of, results_path

log = logging.getLogger("mkdocs.hooks.block_marks")
STYLESHEET = "stylesheets/block-marks.css"
_results = None  # this build's results, or None
_proofs: dict[str, PageProof] = {}  # by src_uri, for this build


def required(config) -> bool:
    return str(config.extra.get("ci_results_required", "")).lower() == "true"


def results_of(config):
    """The results this build reads; None (logged) when there are none and none are required."""
    path = results_path(config.extra)
    try:
        results = load(path)
    except ResultsError as error:
        if required(config):
            raise PluginError(f"block marks: {error}") from None
        log.info("block marks: %s; pages show no marks", error)
        return None
    if results is None:
        if required(config):
            raise PluginError(f"block marks: the published site needs the test results, and {path} is "
                              "missing: run the tests first (scripts/test.sh), then build again")
        log.info("block marks: no test results at %s; pages show no marks", path)
    return results


def on_config(config):
    global _results
    _proofs.clear()
    _results = results_of(config)
    if _results is not None:  # a build with no marks loads no stylesheet for them
        config.extra_css.append(STYLESHEET)
    return config


def on_serve(server, config, builder, **kwargs):
    # The preview follows the editor's test runs. Only an existing path can
    # be watched: before the first run, the folder it will be written to.
    path = results_path(config.extra)
    watched = path if path.exists() else path.parent
    if watched.exists():
        server.watch(str(watched))
    return server


def source_of(file, config) -> Path:
    """The page `file` was made from. A release's versioned build
    (docs_site/versioned_config.py) reads a copy rendered for that release,
    whose lines are not the docs/ lines the results name: read docs/ instead,
    which the runner renders to the same text."""
    if config["extra"].get("docs_release"):
        return DOCS / file.src_uri
    return Path(file.abs_src_path)


def on_files(files, config):
    results = _results
    if results is None:
        return files
    for file in files.documentation_pages():
        if file.abs_src_path is None:  # generated: the testers' printable page
            continue
        proof = proof_of_file(results, source_of(file, config), file.src_uri, release_of(config.extra))
        if proof is not None:
            _proofs[file.src_uri] = proof
    stale = sorted(f"{p.key} ({p.state})" for p in _proofs.values() if p.state != FRESH)
    if stale and required(config):
        raise PluginError(f"block marks: the test results in {results.path} are older than these pages: "
                          f"{', '.join(stale)}. Run their tests (.venv/bin/pytest docs/PAGE.md) or "
                          "scripts/test.sh, then build again")
    return files


def on_page_content(html: str, page, config, files):
    proof = _proofs.get(page.file.src_uri)
    if proof is None:
        return html
    if proof.state == FRESH:
        marked = with_marks(html, list(proof.marks.values()))
        if marked is None:
            log.warning("block marks: %s: its code blocks are not the %d the page model reads; "
                        "no marks on it", page.file.src_uri, len(proof.marks))
            return html
        html = marked
    return with_line(html, page_line(proof, config.extra.get("ci_report_url", "")))
