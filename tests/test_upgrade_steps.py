"""The upgrade steps Rowbook's About page shows are the docs' own commands,
for every install method.

rowbook/upgrade_steps.py is what the About page lists; each method's upgrade
section (docs/upgrade.md, or the Debian package's page) is what the guide
runner runs. A reader who follows either does the same thing. What is
compared, per method: the commands of each step, against the page's visible
shell blocks of that method's section, from its first one up to the first
check of the result (the console block after them); the later blocks
(removing a deprecated setting, going back) are not upgrade steps."""

from __future__ import annotations

import re

import pytest

from docs_site.checklists.checklist import section_headings
from guide_runner.languages import Kind
from guide_runner.page import read_page
from docs_site.paths import DOCS
from rowbook import install_methods, upgrade_steps

UPGRADE_PAGE = DOCS / "upgrade.md"
# The About page cannot know the database server from inside the container
# (service image) or the pod (Helm); it shows placeholders where the page
# shows the values of its example settings (rowbook.env, values.yaml).
PAGE_EXAMPLE_VALUES = {
    "image": {"<POSTGRES_HOST>": "db.example.com", "<POSTGRES_USER>": "rowbook", "<POSTGRES_DB>": "rowbook"},
    "helm": {"<POSTGRES_HOST>": "rowbook-db.example.com", "<POSTGRES_USER>": "rowbook",
             "<POSTGRES_DB>": "rowbook"},
}


def upgrade_commands_on_the_page(method: install_methods.InstallMethod) -> list[str]:
    path = DOCS / method.page
    page = read_page(path)
    lines = path.read_text().split("\n")
    headings = section_headings(lines)
    # The method's section: its heading and the headings below it (### Go back ...),
    # up to the next heading of its level or above.
    def level(line: int) -> int:  # 2 for "## ..."
        return len(lines[line - 1]) - len(lines[line - 1].lstrip("#"))

    start = {title: line for line, title in headings}[method.heading]
    end = next((line for line, _ in headings if line > start and level(line) <= level(start)), 10**9)
    commands = []
    for block in page.blocks:
        if not (start < block.line < end) or not block.shown:
            continue
        if block.kind == Kind.SHELL:
            commands.append(block.source.strip())
        elif block.kind == Kind.CONSOLE and commands:
            break  # the first check of the result: the upgrade is done
    return commands


def the_version_the_page_upgrades_to(method: install_methods.InstallMethod) -> str:
    """From the Upgrade page's first sentence: "This page upgrades Rowbook
    from 0.1.1 to 0.1.5.". The Debian package's page goes to the newest
    release too, which the docs describe; the Helm page's steps take the
    release as NEW_VERSION, with an example number."""
    if method.name == "helm":
        return re.search(r"^NEW_VERSION=(\S+)$", (DOCS / method.page).read_text(), re.M)[1]
    return re.search(r"upgrades Rowbook from \S+ to (\d+\.\d+\.\d+)", UPGRADE_PAGE.read_text())[1]


@pytest.mark.parametrize("method", install_methods.METHODS, ids=lambda m: m.name)
def test_the_about_page_lists_the_upgrade_page_commands(method):
    version = the_version_the_page_upgrades_to(method)
    on_the_page = upgrade_commands_on_the_page(method)
    about = []
    for step in upgrade_steps.steps(method.name, version):
        run = step.run
        for placeholder, value in PAGE_EXAMPLE_VALUES.get(method.name, {}).items():
            run = run.replace(placeholder, value)
        about.append(run)
    assert on_the_page, f"no upgrade commands under '## {method.heading}' in {DOCS / method.page}"
    assert about == on_the_page
