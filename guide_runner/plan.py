"""Turn a page into the scenarios that run it, each resolved once.

A page with variants (content tabs, marked sections) has one scenario per
variant. A page (or a variant) may start from another page, named in a
hidden marker:

    <!-- test-page: starts-from="install/docker-compose.md" from-variant="Default" -->

The path is relative to the page, like a link. The scenario then runs that
page's blocks first, in the same sandbox, and tears it down last. Two more
options start from an older state of that page: `from-version="0.1.1"` runs
it as the docs of release 0.1.1 show it (releases.py), with that release's
files; `from-env="NAME=value"` exports variables before the base page runs,
and `from-replace="a=>b"` substitutes text in its blocks.

A page for a server says which one it needs, and then runs on a fresh one
(see machines.py); a page that starts from it runs there too:

    <!-- test-page: machine="debian-12" -->

A page that names no machine runs where the project says (`run-pages-in`:
a throwaway container, the default, or this machine); `machine="host"` runs
it on this machine whatever the project says.

A page (or variant) that changes the test host itself, not a container or
a test server, says what; it then runs under the host lock, one at a time
(parallel.py):

    <!-- test-page: changes-host="its PostgreSQL cluster" -->

A variant may be skipped, with its reason:

    <!-- test: skip="needs a public DNS name" -->
    === "With Caddy"
"""

from __future__ import annotations

import dataclasses
import shlex
from dataclasses import dataclass
from pathlib import Path

from . import releases
from .images import absent_tags
from .languages import Kind
from .options import pairs
from .outcomes import GuideFailure
from .page import Block, Page, PageId, read_page
from .paste import swallowed


HOST = "host"  # machine="host": the test host itself


def in_throwaway_container(plan: "Plan", run_pages_in: str) -> bool:
    """A scenario that names no machine, of a project whose pages run in
    throwaway containers (run-pages-in), unless its page says the host."""
    return not plan.machine and not plan.on_host and run_pages_in != HOST


class PlanError(Exception):
    pass


@dataclass(frozen=True)
class Base:
    """The page a scenario starts from, read once: that page, in the variant
    and release the starting page names, and the options of that variant."""

    page: Page
    variant: str
    options: dict[str, str]
    starting_options: dict[str, str]  # the options of the page that starts from it (from-*)

    @property
    def release(self) -> str:
        return self.page.id.release


@dataclass(frozen=True)
class Plan:
    """One scenario, resolved: every block it runs, in order, and where."""

    page: PageId
    variant: str
    blocks: list[Block]
    own_blocks: list[Block]  # the blocks only this variant runs (a skipped variant's)
    skip: str = ""  # why this variant does not run, if it does not
    machine: str = ""  # run on this fresh server (machines.py), not on the test host
    on_host: bool = False  # machine="host": on the test host, whatever the project's run-pages-in
    absent: tuple[str, ...] = ()  # image tags the page must pull: removed before it runs (images.py)
    changes_host: str = ""  # what it changes on the test host itself: run under the host lock (parallel.py)

    @property
    def name(self) -> str:
        return f"{self.page} [{self.variant or 'page'}]"

    @property
    def pages(self) -> set[str]:
        """The pages its blocks come from: its own and the pages it starts from."""
        return {block.page.path for block in self.blocks}

    @property
    def item_name(self) -> str:
        """The pytest id after `::`: the variant, and the release when it is an older one."""
        return (self.variant or "page") + ("" if self.page.newest else f"@{self.page.release}")


def bases_of(page: Page, options: dict[str, str], seen: tuple[Path, ...] = ()) -> list[Base]:
    """The chain of pages a variant starts from, nearest first."""
    if "starts-from" not in options:
        return []
    path = (page.file.parent / options["starts-from"]).resolve()
    if path in seen or path == page.file.resolve():
        raise PlanError(f"{page.id}: pages start from each other in a loop: {[str(p) for p in (*seen, path)]}")
    if not path.exists():
        raise PlanError(f"{page.id}: starts-from names a missing page {options['starts-from']!r}")
    release = page.id.release
    if "from-version" in options:  # the base page as an older release's docs show it
        if options["from-version"] not in releases.versions():
            raise PlanError(f"{page.id}: from-version names {options['from-version']!r}, "
                            f"which is not in docs-versions.toml")
        release = options["from-version"]
    base_page = read_page(path, release)
    variant = options.get("from-variant", "")
    if variant and variant not in base_page.variants():
        raise PlanError(f"{base_page.id} has no variant {variant!r}; it has {base_page.variants()}")
    variant = variant or base_page.variants()[0]
    base = Base(base_page, variant, base_page.options_for(variant), options)
    return [base, *bases_of(base_page, base.options, (*seen, page.file.resolve()))]


def base_blocks(bases: list[Base], starting: PageId) -> list[Block]:
    """The blocks of the chain of base pages, farthest first, each changed
    the way the page that starts from it asks."""
    blocks: list[Block] = []
    for base, page_id in reversed(list(zip(bases, [starting, *(b.page.id for b in bases)]))):
        blocks = blocks + base.page.blocks_for(base.variant)
        options = base.starting_options
        if "from-version" in options:
            blocks = [with_files_of(block, base.release) for block in blocks]
        if "from-replace" in options:
            blocks = [_replaced(block, options["from-replace"]) for block in blocks]
        if "from-env" in options:
            exports = "\n".join(f"export {shlex.quote(pair)}" for pair in options["from-env"].split())
            blocks.insert(0, Block(page_id, 0, "bash", exports, Kind.HIDDEN))
    return blocks


def plan_page(page: Page) -> list[Plan]:
    """The scenarios of a page, as its release shows it."""
    pasted_wrong = [problem for block in page.blocks for problem in swallowed(block)]
    if pasted_wrong:
        raise PlanError("\n".join(pasted_wrong))
    plans = []
    for variant in page.variants():
        options = page.options_for(variant)
        if "skip" in options and not options["skip"].strip():
            raise PlanError(f"{page.id}: a skipped variant must say why: <!-- test: skip=\"reason\" -->")
        bases = bases_of(page, options)
        chain = [options, *(b.options for b in bases)]
        machine = next((o["machine"] for o in chain if "machine" in o), "")
        on_host = machine == HOST
        plans.append(Plan(page.id, variant, base_blocks(bases, page.id) + page.blocks_for(variant),
                          page.own_blocks(variant), skip=options.get("skip", ""),
                          machine="" if on_host else machine, on_host=on_host,
                          absent=tuple(absent_tags(chain)),
                          changes_host=next((o["changes-host"] for o in chain if "changes-host" in o), "")))
    return plans


def plan_file(path: Path, release: str | None = None) -> list[Plan]:
    return plan_page(read_page(path, release))


def substituted(block: Block, replace: str, strict: bool = True) -> Block:
    """`replace="OLD=>NEW|OLD2=>NEW2"`: the block as the test runs it. Strict:
    each OLD must occur in the block (a page's own substitution)."""
    source = block.source
    for old, new in pairs(replace):
        if strict and (new is None or old not in source):
            raise GuideFailure(f"{block.where}: replace={old + ('=>' + new if new is not None else '')!r} "
                               f"does not match the block")
        source = source.replace(old, new or "")
    return dataclasses.replace(block, source=source)


def with_files_of(block: Block, release: str) -> Block:
    """An older release's page downloads that release's files: its blocks see
    $RUNNER_FILES as that release's folder, not the scenario's."""
    files = str(releases.files_root(release))
    options = {k: v.replace("$RUNNER_FILES", files) for k, v in block.options.items()}
    return dataclasses.replace(block, source=block.source.replace("$RUNNER_FILES", files), options=options)


def _replaced(block: Block, replace: str) -> Block:
    """Apply the base page's `from-replace` wherever it matches (its blocks
    differ), after the block's own test-only substitution (a download URL)."""
    options = dict(block.options)
    if "replace" in options:
        block = substituted(block, options.pop("replace"))
    return dataclasses.replace(substituted(block, replace, strict=False), options=options)
