"""Turn a page into the scenarios that run it.

A page with content tabs has one scenario per tab label. A page (or a tab)
may start from another page, named in a hidden marker:

    <!-- test-page: starts-from="install/docker-compose.md" variant="Default" -->

The path is relative to the page, like a link. The scenario then runs that
page's blocks first, in the same sandbox, and tears it down last. A tab may
also be skipped, with its reason:

    <!-- test: skip="needs a public DNS name" -->
    === "With Caddy"
"""

from __future__ import annotations

from pathlib import Path

from .page import ROOT, Block, read_page
from .scenario import Scenario


class PlanError(Exception):
    pass


def base_blocks(page_path: Path, options: dict[str, str], seen: tuple[Path, ...] = ()) -> list[Block]:
    """The blocks of the page this one starts from (and of its own base, if any)."""
    if "starts-from" not in options:
        return []
    base_path = (page_path.parent / options["starts-from"]).resolve()
    if base_path in seen:
        raise PlanError(f"{page_path}: pages start from each other in a loop: {[str(p) for p in seen]}")
    if not base_path.exists():
        raise PlanError(f"{page_path.relative_to(ROOT)}: starts-from names a missing page {options['starts-from']!r}")
    base = read_page(base_path)
    variant = options.get("variant", "")
    if variant and variant not in base.variants():
        raise PlanError(f"{base.path} has no variant {variant!r}; it has {base.variants()}")
    variant = variant or base.variants()[0]
    return base_blocks(base_path, {**base.options, **base.tab_options.get(variant, {})}, (*seen, page_path)) + \
        base.blocks_for(variant)


def scenarios_for(path: Path) -> list[Scenario]:
    page = read_page(path)
    scenarios = []
    for variant in page.variants():
        options = {**page.options, **page.tab_options.get(variant, {})}
        blocks = base_blocks(path.resolve(), options) + page.blocks_for(variant)
        if "skip" in options and not options["skip"].strip():
            raise PlanError(f"{page.path}: a skipped variant must say why: <!-- test: skip=\"reason\" -->")
        scenarios.append(Scenario(page.path, variant, blocks, skip=options.get("skip", "")))
    return scenarios
