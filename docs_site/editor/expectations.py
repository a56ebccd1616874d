"""Every step of a guide says what its reader should see.

A tester follows the guides through the checklists of the For testers page
(docs_site/checklists/), whose "Expected" line for a step is the sentence
after its block that starts with "You should see". A `console` block shows
its output itself; a shell block needs the sentence, or the tester reads
a generic "finishes without an error" and cannot tell a wrong result from a
right one.
"""

from __future__ import annotations

from fnmatch import fnmatch
from pathlib import Path

from docs_site.checklists.checklist import GUIDE_PATTERNS, is_step, you_should_see
from guide_runner.languages import Kind
from guide_runner.page import read_page

from .findings import Finding, shown_path

RULE = "style-you-should-see"


def check_page(path: Path, docs_dir: Path) -> list[Finding]:
    relative = path.resolve().relative_to(docs_dir.resolve()).as_posix()
    if not any(fnmatch(relative, pattern) for pattern in GUIDE_PATTERNS):
        return []
    lines = path.read_text().split("\n")
    findings = []
    for block in read_page(path).blocks:
        if is_step(block) and block.kind == Kind.SHELL and not you_should_see(lines, block):
            findings.append(Finding(shown_path(path), block.line, RULE,
                                    'say what the reader sees after this block, in a sentence that starts '
                                    'with "You should see" (the testers\' checklist shows it as the step\'s '
                                    'expected result)'))
    return findings
