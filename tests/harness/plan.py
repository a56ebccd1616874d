"""Turn a page into the scenarios that run it.

A page with content tabs has one scenario per tab label. A page (or a tab)
may start from another page, named in a hidden marker:

    <!-- test-page: starts-from="install/docker-compose.md" from-variant="Default" -->

The path is relative to the page, like a link. The scenario then runs that
page's blocks first, in the same sandbox, and tears it down last. Two more
options start from an older state of that page: `from-version="0.1.1"` runs
it as the docs of release 0.1.1 show it (docs_tools/versions.py), with that
release's files; `from-env="NAME=value"` exports variables before the base
page runs, and `from-replace="a=>b"` substitutes text in its blocks.

A page for a server says which one it needs, and then runs on a fresh one
(see machines.py); a page that starts from it runs there too:

    <!-- test-page: machine="debian-12" -->

A section can be a variant too, like a tab: put `<!-- test: variant -->`
(with any of the options above) right above its heading. A tab may also be
skipped, with its reason:

    <!-- test: skip="needs a public DNS name" -->
    === "With Caddy"
"""

from __future__ import annotations

import dataclasses
import shlex
from pathlib import Path

from docs_tools import versions

from .page import ROOT, Block, Page, read_page
from .scenario import Scenario, substituted


class PlanError(Exception):
    pass


def _base(page_path: Path, options: dict[str, str], version: str | None,
          seen: tuple[Path, ...] = ()) -> tuple[Path, dict[str, str], Page, str, str | None] | None:
    """The page this one starts from, checked: (its path, its options for the
    chosen variant, the page, the variant, the release it is read as), or None."""
    if "starts-from" not in options:
        return None
    base_path = (page_path.parent / options["starts-from"]).resolve()
    if base_path in seen:
        raise PlanError(f"{page_path}: pages start from each other in a loop: {[str(p) for p in seen]}")
    if not base_path.exists():
        raise PlanError(f"{page_path.relative_to(ROOT)}: starts-from names a missing page {options['starts-from']!r}")
    if "from-version" in options:  # the base page as an older release's docs show it
        if options["from-version"] not in versions.versions():
            raise PlanError(f"{page_path.relative_to(ROOT)}: from-version names {options['from-version']!r}, "
                            f"which is not in docs-versions.toml")
        version = options["from-version"]
    base = read_page(base_path, version)
    variant = options.get("from-variant", "")
    if variant and variant not in base.variants():
        raise PlanError(f"{base.path} has no variant {variant!r}; it has {base.variants()}")
    variant = variant or base.variants()[0]
    return base_path, {**base.options, **base.tab_options.get(variant, {})}, base, variant, version


def base_blocks(page_path: Path, options: dict[str, str], seen: tuple[Path, ...] = (),
                version: str | None = None) -> list[Block]:
    """The blocks of the page this one starts from (and of its own base, if any)."""
    found = _base(page_path, options, version, seen)
    if found is None:
        return []
    base_path, base_options, base, variant, version = found
    blocks = base_blocks(base_path, base_options, (*seen, page_path), version) + base.blocks_for(variant)
    if "from-version" in options:
        blocks = [_with_files_of(block, version) for block in blocks]
    if "from-replace" in options:
        blocks = [_replaced(block, options["from-replace"]) for block in blocks]
    if "from-env" in options:
        exports = "\n".join(f"export {shlex.quote(pair)}" for pair in options["from-env"].split())
        page = page_path.resolve().relative_to(ROOT).as_posix()
        blocks.insert(0, Block(page, 0, "bash", exports, "hidden"))
    return blocks


def machine_of(page_path: Path, options: dict[str, str], version: str | None = None) -> str:
    """The server a scenario runs on: its page's, or that of the page it starts from."""
    if "machine" in options:
        return options["machine"]
    found = _base(page_path, options, version)
    if found is None:
        return ""
    base_path, base_options, _, _, version = found
    return machine_of(base_path, base_options, version)


def _with_files_of(block: Block, version: str) -> Block:
    """An older release's page downloads that release's files: its blocks see
    $RUNNER_FILES as that release's folder, not the scenario's."""
    files = str(versions.snippet_dirs(version)[0].parent)
    options = {k: v.replace("$RUNNER_FILES", files) for k, v in block.options.items()}
    return dataclasses.replace(block, source=block.source.replace("$RUNNER_FILES", files), options=options)


def _replaced(block: Block, replace: str) -> Block:
    """Apply the base page's `from-replace` wherever it matches (its blocks
    differ), after the block's own test-only substitution (a download URL)."""
    options = dict(block.options)
    if "replace" in options:
        block = substituted(block, options.pop("replace"))
    return dataclasses.replace(substituted(block, replace, strict=False), options=options)


def scenarios_for(path: Path, page: Page | None = None, version: str | None = None) -> list[Scenario]:
    """The scenarios of the page as release `version` shows it (default: the newest)."""
    page = page or read_page(path, version)
    scenarios = []
    for variant in page.variants():
        options = {**page.options, **page.tab_options.get(variant, {})}
        blocks = base_blocks(path.resolve(), options, version=version) + page.blocks_for(variant)
        if "skip" in options and not options["skip"].strip():
            raise PlanError(f"{page.path}: a skipped variant must say why: <!-- test: skip=\"reason\" -->")
        scenarios.append(Scenario(page.path, variant, blocks, skip=options.get("skip", ""),
                                  machine=machine_of(path.resolve(), options, version),
                                  version=version or ""))
    return scenarios
