"""Which scenarios a checkpoint of a test server serves (guide_runner/checkpoints.py):
decided from the plans alone, before anything runs. The real commits, reboots
and restores are in test_checkpoints_on_servers.py."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from docs_site.paths import ROOT
from guide_runner import plan_file
from guide_runner.checkpoints import Checkpoint, Checkpoints, is_base, key_of, steps

PAGES = Path(__file__).parent / "pages"
DOCS = ROOT / "docs"
pytestmark = pytest.mark.reads_pages("docs/install/without-docker.md", "docs/logs.md", "docs/upgrade.md")


def plan(path: Path, variant: str = "", release: str | None = None):
    plans = plan_file(path, release)
    return next(p for p in plans if not variant or p.variant == variant)


def made_for(base) -> Checkpoint:
    """A checkpoint as Checkpoints.make would note it, without Docker."""
    blocks = steps(base)
    return Checkpoint(base.name, base.machine, key_of(base.machine, blocks), len(blocks), "image", Path("/x"), Path("/x.tar"))


def test_a_base_is_wanted_only_when_a_scenario_of_the_run_starts_with_exactly_its_blocks():
    base, dependent = plan(PAGES / "checkpoint-base.md"), plan(PAGES / "checkpoint-dependent.md")
    assert Checkpoints.for_plans([base, dependent]).wants(base)
    assert not Checkpoints.for_plans([base]).wants(base)  # nothing starts from it in this run
    skipped = dataclasses.replace(dependent, skip="needs a GPU")
    assert not Checkpoints.for_plans([base, skipped]).wants(base)
    # Another base with other blocks (the site started by hand) is not this one.
    other = plan(PAGES / "checkpoint-until-reboot.md")
    assert not Checkpoints.for_plans([other, dependent]).wants(other)


def test_a_base_never_starts_from_a_checkpoint_not_even_its_own():
    base, dependent = plan(PAGES / "checkpoint-base.md"), plan(PAGES / "checkpoint-dependent.md")
    checkpoints = Checkpoints(made=[made_for(base)])
    assert is_base(base) and checkpoints.serving(base) is None
    assert checkpoints.serving(dependent) is checkpoints.made[0]


def test_a_scenario_whose_base_blocks_differ_replays_them():
    base, dependent = plan(PAGES / "checkpoint-base.md"), plan(PAGES / "checkpoint-dependent.md")
    changed = dataclasses.replace(dependent, blocks=[dataclasses.replace(dependent.blocks[0], source="true"),
                                                     *dependent.blocks[1:]])
    other_server = dataclasses.replace(dependent, machine="debian-13")
    checkpoints = Checkpoints(made=[made_for(base)])
    assert checkpoints.serving(changed) is None and checkpoints.serving(other_server) is None


def test_the_install_without_docker_serves_the_pages_that_start_from_it_in_each_release():
    newest = plan(DOCS / "install/without-docker.md")
    oldest = plan(DOCS / "install/without-docker.md", release="0.1.1")
    checkpoints = Checkpoints(made=[made_for(newest), made_for(oldest)])
    assert checkpoints.serving(plan(DOCS / "logs.md", "Without Docker")).base == newest.name
    # The upgrade starts from 0.1.1's page with 0.1.1's files: the same blocks as 0.1.1's own scenario.
    upgrade = plan(DOCS / "upgrade.md", "Upgrade an install without Docker")
    assert checkpoints.serving(upgrade).base == oldest.name
    # A page on the test host is served by none.
    assert checkpoints.serving(plan(DOCS / "logs.md", "Service image")) is None
