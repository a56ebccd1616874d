"""Fixtures of the browser tests: the built site, served locally, and Chromium."""

from __future__ import annotations

import shutil

import pytest

from tests.browser.chromium import CHROMIUM, SETUP_HINT, chromium
from tests.browser.site_build import build_site, serve


# Package scope: Playwright's sync API keeps an event loop running while the
# browser is open, and Django (in tests/service) refuses to work beside one.
@pytest.fixture(scope="package")
def browser():
    if not shutil.which(CHROMIUM):
        pytest.fail(SETUP_HINT, pytrace=False)
    with chromium() as b:
        yield b


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """The real site, built once per run."""
    return build_site(tmp_path_factory.mktemp("site") / "site")


@pytest.fixture(scope="session")
def site_url(site):
    with serve(site) as url:
        yield url


@pytest.fixture
def page(browser):
    context = browser.new_context()
    yield context.new_page()
    context.close()
