"""Every page of docs/, in every release that has it, turns into scenarios
without an error (paste check, options, base pages), so a page that cannot
run fails here, in the fast tests, not only when the Docker tests collect it."""

from __future__ import annotations

import pytest

from docs_site.paths import DOCS
from guide_runner import releases
from guide_runner.page import read_page
from guide_runner.plan import plan_page

PAGES = sorted(DOCS.rglob("*.md"))


@pytest.mark.parametrize("path", PAGES, ids=[p.relative_to(DOCS).as_posix() for p in PAGES])
def test_every_page_plans_in_every_release_that_has_it(path):
    name = path.relative_to(DOCS).as_posix()
    for release in releases.versions():
        if releases.has_page(release, name):
            plan_page(read_page(path, release))
