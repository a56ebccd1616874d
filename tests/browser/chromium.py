"""Playwright driving Debian's Chromium (/usr/bin/chromium): no browser download."""

from __future__ import annotations

import shutil
from contextlib import contextmanager

from guide_runner.browser import CHROMIUM

SETUP_HINT = "Debian's chromium is not installed (/usr/bin/chromium). Run: scripts/setup.sh"


@contextmanager
def chromium():
    """A headless Chromium; yields the Playwright Browser."""
    from playwright.sync_api import sync_playwright

    if not shutil.which(CHROMIUM):
        raise RuntimeError(SETUP_HINT)
    with sync_playwright() as p:
        # --no-sandbox: the tests run as root, where Chromium's sandbox refuses to start.
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            yield browser
        finally:
            browser.close()
