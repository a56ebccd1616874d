"""The guide runner: every page of the docs, run as its reader would run it.

A pytest plugin (plugin.py, registered through the `pytest11` entry point)
turns each page under docs/ into scenarios and runs their blocks against real
Docker containers and real servers. The page model (page.py) is shared with
the docs site: its hooks, the editor's checks and the testers' checklists
read pages through it.

    page.py        read a page: blocks, variants, options, per-release text
    plan.py        a page's scenarios, each resolved once (the pages it starts from)
    evaluators.py  what each kind of block does when it runs
    scenario.py    run a scenario: setup, blocks, cleanup
    timings.py     where a scenario's time goes: the page's own blocks, its server, the runner
    report.py      the coverage report, from the scenarios' outcomes
"""

from .languages import Kind
from .outcomes import GuideFailure, Outcome, Status
from .page import Block, Page, PageId, read_page
from .plan import Plan, PlanError, plan_file, plan_page
from .scenario import Scenario

__all__ = ["Block", "GuideFailure", "Kind", "Outcome", "Page", "PageId", "Plan", "PlanError", "Scenario",
           "Status", "plan_file", "plan_page", "read_page"]
