"""Build the docs site (or a variant of it) into a directory, and serve it.

A variant is the real mkdocs.yml with another docs_dir or extra settings:
the config is rewritten into a temp file with absolute paths, so a temp copy
of docs/ builds exactly like the real one.
"""

from __future__ import annotations

import functools
import http.server
import subprocess
import sys
import threading
from contextlib import contextmanager
from pathlib import Path


from guide_runner.site_config import dump, site_config
from docs_site.paths import ROOT



def build_site(site: Path, config: dict | None = None) -> Path:
    """mkdocs build --strict into `site`; raises with mkdocs' output on failure."""
    config_file = site.parent / f"{site.name}.mkdocs.yml"
    config_file.write_text(dump(config or site_config()))
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q",
                             "-f", str(config_file), "-d", str(site)],
                            capture_output=True, text=True, cwd=ROOT)
    if result.returncode != 0:
        raise RuntimeError(f"mkdocs build failed:\n{result.stderr}")
    return site


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest output readable
        pass


@contextmanager
def serve(directory: Path):
    """Serve `directory` on 127.0.0.1 at a free port; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def built_pages(site: Path) -> list[str]:
    """URL paths of every page in a built site ("", "prerequisites/", ...)."""
    pages = []
    for index in sorted(site.rglob("index.html")):
        path = index.parent.relative_to(site).as_posix()
        pages.append("" if path == "." else path + "/")
    return pages


def refuse_other_hosts(page, site_url: str) -> set[str]:
    """Make `page` refuse every request to a host other than the site's; the
    set it returns fills with each one ("PAGE asked URL") as pages load."""
    from urllib.parse import urlsplit

    host = urlsplit(site_url).netloc
    asked: set[str] = set()

    def refuse(route):
        asked.add(f"{page.url} asked {route.request.url}")
        route.abort()

    page.route(lambda target: urlsplit(target).netloc != host, refuse)
    return asked
