"""Check a page's outcome the way its reader gets it: in a real browser.

    python -m guide_runner.browser --url URL --user NAME --password-file FILE
        [--sees TEXT ...] [--table NAME] [--steps FILE --pictures DIR]
        [--ca ROOT.crt] [--resolve HOST=IP]

Opens URL in Debian's Chromium (driven by Playwright), signs in on Rowbook's
sign-in page, and checks that the page after it shows each TEXT; with
--table, opens that table and checks that it shows rows. With --steps, then
does what the page tells its reader to do in the browser, step by step
(a YAML list, see STEPS below), and takes the page's pictures on the way,
into DIR. With --ca, the browser trusts that root certificate (Caddy's local
CA, in place of Let's Encrypt), through a throwaway NSS database, as a
browser trusts a system CA: no certificate error is ignored. --resolve maps
a host name to an address (a test server's), as DNS would.

Runs in its own process: Playwright's event loop stays out of pytest's.
Prints one line saying what it saw; exits 1 with the reason otherwise.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import yaml

CHROMIUM = "/usr/bin/chromium"
TIMEOUT_MS = 20_000
# The size of the pictures on the site: a laptop's window, at one pixel per
# CSS pixel, so a picture changes only when the screen it shows does.
VIEWPORT = {"width": 1000, "height": 600}

STEPS = """What a page's reader does in the browser, one action per list item:
  - open: /databases/                 (a path under the page's URL)
  - click: Add a database             (the link or button of that name)
  - click: {name: Remove, row: Shop}  (... in the table row that shows Shop)
  - fill: {Name: Shop, Port: "5432"}  (form fields by their label)
  - fill: {Password: {file: reader-password.txt}}  (a value from a file)
  - sees: Added "Shop".               (or a list: each text is shown)
  - sees: {text: (active), row: Shop} (... in the table row that shows Shop)
  - picture: images/page/name.png     (or {path: ..., whole-page: false})"""


class OutcomeNotReached(Exception):
    pass


def _trust(ca: Path, home: Path) -> None:
    """A fresh NSS database in `home` that trusts `ca`, as Chromium on Linux reads it."""
    nssdb = home / ".pki" / "nssdb"
    nssdb.mkdir(parents=True)
    for command in (["certutil", "-d", f"sql:{nssdb}", "-N", "--empty-password"],
                    ["certutil", "-d", f"sql:{nssdb}", "-A", "-t", "C,,", "-n", "page-ca", "-i", str(ca)]):
        run = subprocess.run(command, capture_output=True, text=True)
        if run.returncode:
            raise OutcomeNotReached(f"cannot trust {ca}: {run.stderr.strip() or run.stdout.strip()}")


@contextmanager
def signed_in(url: str, user: str, password: str, ca: Path | None = None, resolve: str = "") -> Iterator:
    """A browser page signed in to Rowbook at `url`, as the reader signs in."""
    from playwright.sync_api import Error, sync_playwright

    with tempfile.TemporaryDirectory() as home:
        if ca is not None:
            _trust(ca, Path(home))
        args = ["--no-sandbox"]  # the tests run as root, where Chromium's sandbox refuses to start
        if resolve:
            host, _, address = resolve.partition("=")
            args.append(f"--host-resolver-rules=MAP {host} {address}")
        with sync_playwright() as playwright:
            # Chromium reads its NSS database (the trusted CA) from $HOME.
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=args,
                                                 env={**os.environ, "HOME": home})
            try:
                page = browser.new_page(viewport=VIEWPORT, device_scale_factor=1)
                page.set_default_timeout(TIMEOUT_MS)
                try:
                    page.goto(url, wait_until="load")
                except Error as error:
                    raise OutcomeNotReached(f"the browser cannot open {url}: {error.message.splitlines()[0]}")
                if not page.get_by_role("heading", name="Sign in to Rowbook").count():
                    raise OutcomeNotReached(f"{url} does not show the page Sign in to Rowbook "
                                            f"(title: {page.title()!r})")
                page.fill("input[name=username]", user)
                page.fill("input[name=password]", password)
                page.click("button[type=submit]")
                page.wait_for_load_state("load")
                if not page.get_by_role("button", name="Sign out").count():
                    raise OutcomeNotReached(f"signing in as {user} at {url} failed: the page after it "
                                            f"({page.url}) shows no Sign out button")
                yield page
            finally:
                browser.close()


def check(url: str, user: str, password: str, sees: list[str], table: str = "", ca: Path | None = None,
          resolve: str = "", steps: list | None = None, pictures: Path | None = None) -> str:
    with signed_in(url, user, password, ca, resolve) as page:
        missing = [text for text in sees if not page.get_by_text(text).count()]
        if missing:
            raise OutcomeNotReached(f"signed in as {user}, but {page.url} does not show "
                                    + ", ".join(repr(text) for text in missing))
        seen = f"signed in at {url} as {user}, saw " + (", ".join(repr(t) for t in sees) or "the start page")
        if table:
            link = page.get_by_role("link", name=table, exact=True)
            if not link.count():
                raise OutcomeNotReached(f"signed in as {user}, but {page.url} has no link to the table {table!r}")
            link.first.click()
            page.wait_for_load_state("load")
            rows = page.locator("table tbody tr").count()
            if not rows:
                raise OutcomeNotReached(f"the table {table!r} ({page.url}) shows no rows")
            seen += f", opened the table {table!r} ({rows} rows)"
        if steps:
            taken = follow(page, url, steps, pictures)
            seen += f", followed {len(steps)} steps" + (f", took {', '.join(taken)}" if taken else "")
        return seen


def follow(page, url: str, steps: list, pictures: Path | None) -> list[str]:
    """Do each step as the reader does; returns the pictures taken. A step
    that cannot be done (no such link, text not shown) stops here, naming it."""
    from playwright.sync_api import Error, expect

    taken = []
    for number, step in enumerate(steps, 1):
        if not (isinstance(step, dict) and len(step) == 1):
            raise OutcomeNotReached(f"step {number} must be one action, such as `- click: Databases`, got {step!r}")
        ((action, value),) = step.items()
        try:
            if action == "open":
                page.goto(url.rstrip("/") + value, wait_until="load")
            elif action == "click":
                scope = page.locator("tr", has_text=value["row"]) if isinstance(value, dict) else page
                name = value["name"] if isinstance(value, dict) else value
                scope.get_by_role("link", name=name, exact=True).or_(
                    scope.get_by_role("button", name=name, exact=True)).first.click()
                page.wait_for_load_state("load")
            elif action == "fill":
                for label, text in value.items():
                    if isinstance(text, dict):
                        text = Path(text["file"]).read_text().strip()
                    page.get_by_label(label, exact=True).fill(str(text))
            elif action == "sees":
                for seen in [value] if isinstance(value, (str, dict)) else value:
                    scope = page.locator("tr", has_text=seen["row"]) if isinstance(seen, dict) else page
                    text = seen["text"] if isinstance(seen, dict) else seen
                    expect(scope.get_by_text(text).first).to_be_visible()
            elif action == "picture":
                options = value if isinstance(value, dict) else {"path": value}
                if pictures is not None:
                    path = pictures / options["path"]
                    path.parent.mkdir(parents=True, exist_ok=True)
                    page.screenshot(path=path, full_page=options.get("whole-page", True))
                    taken.append(options["path"])
            else:
                raise OutcomeNotReached(f"step {number}: no action {action!r}\n{STEPS}")
        except (Error, AssertionError, OSError, KeyError, TypeError, AttributeError) as error:
            message = getattr(error, "message", None) or str(error)
            raise OutcomeNotReached(f"step {number} ({action}: {value!r}) failed on {page.url}: "
                                    f"{message.strip().splitlines()[0]}") from None
    return taken


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m guide_runner.browser", description=__doc__.split("\n")[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--user", required=True)
    parser.add_argument("--password-file", required=True, type=Path)
    parser.add_argument("--sees", action="append", default=[])
    parser.add_argument("--table", default="")
    parser.add_argument("--steps", type=Path, help="a YAML file of steps")
    parser.add_argument("--pictures", type=Path, help="where the steps' pictures go (default: not taken)")
    parser.add_argument("--ca", type=Path)
    parser.add_argument("--resolve", default="")
    args = parser.parse_args(argv)
    try:
        password = args.password_file.read_text().strip()
        steps = yaml.safe_load(args.steps.read_text()) if args.steps else None
        if steps is not None and not isinstance(steps, list):
            raise OutcomeNotReached(f"the steps must be a YAML list\n{STEPS}")
        print(check(args.url, args.user, password, args.sees, args.table, args.ca, args.resolve,
                    steps, args.pictures))
    except (OSError, yaml.YAMLError, OutcomeNotReached) as error:
        print(f"outcome not reached: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
