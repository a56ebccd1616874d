"""Check a page's outcome the way its reader gets it: in a real browser.

    python -m guide_runner.browser --url URL --user NAME --password-file FILE
        [--sees TEXT ...] [--table NAME] [--ca ROOT.crt] [--resolve HOST=IP]

Opens URL in Debian's Chromium (driven by Playwright), signs in on Rowbook's
sign-in page, and checks that the page after it shows each TEXT; with
--table, opens that table and checks that it shows rows. With --ca, the
browser trusts that root certificate (Caddy's local CA, in place of Let's
Encrypt), through a throwaway NSS database, as a browser trusts a system CA:
no certificate error is ignored. --resolve maps a host name to an address
(a test server's), as DNS would.

Runs in its own process: Playwright's event loop stays out of pytest's.
Prints one line saying what it saw; exits 1 with the reason otherwise.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
TIMEOUT_MS = 20_000


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


def check(url: str, user: str, password: str, sees: list[str], table: str = "", ca: Path | None = None,
          resolve: str = "") -> str:
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
                page = browser.new_page()
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
                return seen
            finally:
                browser.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m guide_runner.browser", description=__doc__.split("\n")[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--user", required=True)
    parser.add_argument("--password-file", required=True, type=Path)
    parser.add_argument("--sees", action="append", default=[])
    parser.add_argument("--table", default="")
    parser.add_argument("--ca", type=Path)
    parser.add_argument("--resolve", default="")
    args = parser.parse_args(argv)
    try:
        password = args.password_file.read_text().strip()
        print(check(args.url, args.user, password, args.sees, args.table, args.ca, args.resolve))
    except (OSError, OutcomeNotReached) as error:
        print(f"outcome not reached: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
