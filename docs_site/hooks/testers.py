"""MkDocs hook: fill docs/testers.md with checklists generated from the guides.

docs/testers.md holds the placeholder `<!-- testers-checklists -->`; this hook
replaces it with one checklist per install path (see docs_site/checklists/checklist.py)
and adds a printable copy, testers-print.md, with no navigation. Drafts that
the drafts hook removed are not in `files`, so they get no checklist. With
test results (docs_site/hooks/block_marks.py), the steps the run did not
prove say "Check first".
"""

from __future__ import annotations

from fnmatch import fnmatch
from pathlib import Path

from mkdocs.structure.files import File

from docs_site.checklists.checklist import GUIDE_PATTERNS, all_checklists
from docs_site.checklists.markdown import PLACEHOLDER, PRINT_PAGE, printable_page, render_all
from guide_runner import releases
from guide_runner.parallel import stored_seconds
from guide_runner.project import current
from docs_site.marks.results import ResultsError, load, proof_of_file, release_of, results_path

TESTERS_PAGE = "testers.md"
PREREQUISITES = "prerequisites.md"  # the page that checks a tester's machine, where the docs have one
_checklists = []
_proofs = {}
_details = {}


def proofs_of(config, guides: list[Path]) -> dict:
    """What the last test run proved of each guide, by its path in the docs
    folder (none without usable results: block_marks.py says why)."""
    try:
        results = load(results_path(config.extra))
    except ResultsError:
        return {}
    if results is None:
        return {}
    names = {guide: guide.relative_to(config.docs_dir).as_posix() for guide in guides}
    return {name: proof_of_file(results, guide, name, release_of(config.extra)) for guide, name in names.items()}


def ci_seconds_of(checklists, release: str) -> dict[str, float]:
    """How long CI took to follow each checklist's guide and variant, from
    the project's stored durations (none without them)."""
    durations = stored_seconds({}, current().durations)  # the committed ones only, as CI's
    suffix = "" if release == releases.newest() else f"@{release}"
    found = {}
    for checklist in checklists:
        test_id = f"{current().relative(current().docs)}/{checklist.page}::{checklist.variant or 'page'}{suffix}"
        if test_id in durations:
            found[checklist.name] = durations[test_id]
    return found


def on_files(files, config):
    global _checklists, _proofs, _details
    if files.get_file_from_path(TESTERS_PAGE) is None:
        return files
    guides = [
        Path(f.abs_src_path) for f in files.documentation_pages()
        if f.abs_src_path and any(fnmatch(f.src_uri, pattern) for pattern in GUIDE_PATTERNS)
    ]
    # Same order as the nav patterns: install paths, then quickstart, then upgrade.
    order = {p: i for i, p in enumerate(GUIDE_PATTERNS)}
    guides.sort(key=lambda p: (min(order[g] for g in GUIDE_PATTERNS if fnmatch(
        p.relative_to(config.docs_dir).as_posix(), g)), p.as_posix()))
    _checklists = all_checklists(Path(config.docs_dir), guides)
    _proofs = proofs_of(config, guides)
    release = release_of(config.extra)
    # What each checklist starts with: the build under test, CI's time, the machine's checks.
    _details = {"release": release, "ci_seconds": ci_seconds_of(_checklists, release),
                "prerequisites": PREREQUISITES if files.get_file_from_path(PREREQUISITES) else None}
    body = render_all(_checklists, PRINT_PAGE, printable_link=False, proofs=_proofs, **_details)
    files.append(File.generated(config, PRINT_PAGE, content=printable_page("Testers' checklists", body)))
    return files


def on_page_markdown(markdown: str, page, config, files):
    if page.file.src_uri != TESTERS_PAGE or PLACEHOLDER not in markdown:
        return markdown
    return markdown.replace(PLACEHOLDER, render_all(_checklists, TESTERS_PAGE, proofs=_proofs, **_details))
