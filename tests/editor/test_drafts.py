"""A draft shows in the preview, with its banner, and is absent from the published site."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import FIXTURE_SITE
from docs_site.paths import ROOT
from guide_runner.site_config import dump

NAV = [{"Home": "index.md"}, {"Install": [{"Demo": "install/demo.md"}, {"Draft": "draft.md"}]},
       {"Testers": "testers.md"}]


def build(tmp_path: Path, drafts: str | None) -> Path:
    """Build the fixture site with the real mkdocs.yml and hooks; a nav that lists the draft."""
    site = tmp_path / "site"
    config = {
        "INHERIT": str(ROOT / "mkdocs.yml"),
        "docs_dir": str(FIXTURE_SITE),
        "site_dir": str(site),
        "nav": NAV,
        "hooks": [str(ROOT / "docs_site" / "hooks" / "drafts.py"), str(ROOT / "docs_site" / "hooks" / "testers.py")],
        # MkDocs reads custom_dir relative to this config, not the inherited one.
        "theme": {"name": "material", "custom_dir": str(ROOT / "docs_site" / "overrides")},
    }
    (tmp_path / "mkdocs.yml").write_text(dump(config))
    env = {k: v for k, v in os.environ.items() if k != "ROWBOOK_DOCS_DRAFTS"}
    if drafts:
        env["ROWBOOK_DOCS_DRAFTS"] = drafts
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(tmp_path / "mkdocs.yml")],
                            capture_output=True, text=True, cwd=ROOT, env=env)
    assert result.returncode == 0, result.stderr
    return site


def searchable(site: Path) -> str:
    return json.dumps(json.loads((site / "search" / "search_index.json").read_text()))


def test_the_preview_shows_a_draft_with_its_banner(tmp_path):
    site = build(tmp_path, "show")
    page = (site / "draft" / "index.html").read_text()
    assert 'class="admonition warning"' in page and "Draft</p>" in page
    assert "unfinishedwidget" in page
    assert 'href="draft/"' in (site / "index.html").read_text()  # in the nav
    assert "unfinishedwidget" in searchable(site)
    assert "This page is a draft" not in (site / "install" / "demo" / "index.html").read_text()


@pytest.mark.parametrize("drafts", [None, "hide"], ids=["mkdocs build", "ROWBOOK_DOCS_DRAFTS=hide"])
def test_the_published_build_leaves_a_draft_out(tmp_path, drafts):
    site = build(tmp_path, drafts)  # strict: the draft's nav entry must not break it
    assert not (site / "draft").exists()
    assert "draft/" not in (site / "index.html").read_text()
    assert "unfinishedwidget" not in searchable(site)
    assert (site / "install" / "demo" / "index.html").exists()


def test_build_site_script_leaves_drafts_out_of_the_real_site():
    script = (ROOT / "scripts" / "build-site.sh").read_text()
    assert "ROWBOOK_DOCS_DRAFTS=hide" in script and "--strict" in script


def test_mkdocs_serve_shows_drafts_without_any_setting(tmp_path):
    """The README's preview command, as is: the hook sees `serve` and shows drafts."""
    import socket
    import time
    import urllib.request

    build(tmp_path, "hide")  # writes tmp_path/mkdocs.yml
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if k != "ROWBOOK_DOCS_DRAFTS"}
    server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "--no-livereload", "-f", str(tmp_path / "mkdocs.yml"),
                               "-a", f"127.0.0.1:{port}"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/draft/", timeout=5) as response:
                    page = response.read().decode()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.3)
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert "This page is a draft" in page
