"""MkDocs hook: fill docs/testers.md with checklists generated from the guides.

docs/testers.md holds the placeholder `<!-- testers-checklists -->`; this hook
replaces it with one checklist per install path (see docs_tools/checklist.py)
and adds a printable copy, testers-print.md, with no navigation. Drafts that
the drafts hook removed are not in `files`, so they get no checklist.
"""

from __future__ import annotations

import sys
from fnmatch import fnmatch
from pathlib import Path

# The hook runs inside mkdocs; the checklist code lives in the repository.
ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from mkdocs.structure.files import File  # noqa: E402

from docs_tools.checklist import GUIDE_PATTERNS, all_checklists  # noqa: E402
from docs_tools.checklist_markdown import PLACEHOLDER, PRINT_PAGE, printable_page, render_all  # noqa: E402

TESTERS_PAGE = "testers.md"
_checklists = []


def on_files(files, config):
    global _checklists
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
    body = render_all(_checklists, PRINT_PAGE, printable_link=False)
    files.append(File.generated(config, PRINT_PAGE, content=printable_page("Testers' checklists", body)))
    return files


def on_page_markdown(markdown: str, page, config, files):
    if page.file.src_uri != TESTERS_PAGE or PLACEHOLDER not in markdown:
        return markdown
    return markdown.replace(PLACEHOLDER, render_all(_checklists, TESTERS_PAGE))
