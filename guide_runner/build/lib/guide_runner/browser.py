"""Check a page's outcome the way its reader gets it: in a real browser.

    python -m guide_runner.browser --url URL --user NAME --password-file FILE
        [--sees TEXT ...] [--table NAME] [--steps FILE --pictures DIR]
        [--refused] [--ca ROOT.crt] [--resolve HOST=IP]
        --sign-in-heading TEXT --signed-in-button TEXT --refused-message TEXT

Opens URL in Debian's Chromium (driven by Playwright), signs in on the
project's sign-in page (a form with the fields `username` and `password`,
known by its heading; a signed-in page shows the button to sign out), and checks that the page after it shows each TEXT; with
--table, opens that table and checks that it shows rows. With --steps, then
does what the page tells its reader to do in the browser, step by step
(a YAML list, see STEPS below), and takes the page's pictures on the way,
into DIR. With --refused, the sign-in must fail instead: the page after it
is the sign-in page again, with the refusal's message and each TEXT. With --ca,
the browser trusts that root certificate (Caddy's local CA, in place of
Let's Encrypt), through a throwaway NSS database, as a browser trusts a
system CA: no certificate error is ignored. --resolve maps
a host name to an address (a test server's), as DNS would; HOST * maps
every name.

Runs in its own process: Playwright's event loop stays out of pytest's.
Prints one line saying what it saw; exits 1 with the reason otherwise.

    python -m guide_runner.browser --serve

does the same for many checks, one after the other: a scenario's checks
(guide_runner/browser_worker.py) send one JSON line each, {"argv": [the
options above], "cwd": DIR}, and get one back, {"status": 0 or 1, "out": the
line}. Playwright and a Chromium start once, when the process starts, instead
of for each check (about 0.8 s a check); each check still signs in from nothing,
in a browser context of its own (no cookies from the check before).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
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
  - reload: 6                         (reload the page 6 times: signed in after each)
  - click: Add a database             (the link or button of that name)
  - click: {name: Remove, row: Shop}  (... in the table row that shows Shop)
  - fill: {Name: Shop, Port: "5432"}  (form fields by their label)
  - fill: {Password: {file: reader-password.txt}}  (a value from a file)
  - sees: Added "Shop".               (or a list: each text is shown)
  - sees: {text: (active), row: Shop} (... in the table row that shows Shop)
  - not-sees: About and updates       (or a list: no text is shown)
  - picture: images/page/name.png     (or {path: ..., whole-page: false})"""


@dataclass(frozen=True)
class SignInPage:
    """How the check knows the project's pages, from [tool.guide_runner.sign-in]."""
    heading: str  # the heading of the sign-in page ("Sign in to Rowbook")
    signed_in: str  # a button every page of a signed-in user shows ("Sign out")
    refused: str  # the message of a refused sign-in


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


class Browsers:
    """Chromium processes for a series of checks: one per trusted CA and host
    mapping (both are fixed when Chromium starts), started when first needed."""

    def __init__(self):
        self._playwright = None
        self._homes: list[tempfile.TemporaryDirectory] = []
        self._running: dict[tuple[str, str], object] = {}

    def get(self, ca: Path | None, resolve: str):
        key = (hashlib.sha256(ca.read_bytes()).hexdigest() if ca is not None else "", resolve)
        if key not in self._running:
            self._running[key] = self._launch(ca, resolve)
        return self._running[key]

    def _launch(self, ca: Path | None, resolve: str):
        from playwright.sync_api import sync_playwright

        home = tempfile.TemporaryDirectory()
        self._homes.append(home)
        if ca is not None:
            _trust(ca, Path(home.name))
        args = ["--no-sandbox"]  # the tests run as root, where Chromium's sandbox refuses to start
        if resolve:
            host, _, address = resolve.partition("=")
            args.append(f"--host-resolver-rules=MAP {host} {address}")
        if self._playwright is None:
            self._playwright = sync_playwright().start()
        # Chromium reads its NSS database (the trusted CA) from $HOME.
        return self._playwright.chromium.launch(executable_path=CHROMIUM, args=args,
                                                env={**os.environ, "HOME": home.name})

    def close(self) -> None:
        for browser in self._running.values():
            browser.close()
        self._running.clear()
        if self._playwright is not None:
            self._playwright.stop()
            self._playwright = None
        for home in self._homes:
            home.cleanup()
        self._homes.clear()


@contextmanager
def sign_in_page(url: str, words: SignInPage, ca: Path | None = None, resolve: str = "",
                 browsers: Browsers | None = None) -> Iterator:
    """A browser page at `url` that shows the sign-in page, in a context of its own."""
    from playwright.sync_api import Error

    own = browsers is None
    browsers = browsers or Browsers()
    try:
        # A context of its own: no cookie or cache of an earlier check.
        context = browsers.get(ca, resolve).new_context(viewport=VIEWPORT, device_scale_factor=1)
        try:
            page = context.new_page()
            page.set_default_timeout(TIMEOUT_MS)
            try:
                _open(page, url)
            except Error as error:
                raise OutcomeNotReached(f"the browser cannot open {url}: {error.message.splitlines()[0]}")
            if not _on_sign_in(page, words):
                raise OutcomeNotReached(f"{url} does not show the page {words.heading} "
                                        f"(title: {page.title()!r})")
            yield page
        finally:
            context.close()
    finally:
        if own:
            browsers.close()


def _on_sign_in(page, words: SignInPage) -> bool:
    return bool(page.get_by_role("heading", name=words.heading).count())


def _signed_in(page, words: SignInPage) -> bool:
    """Every page of a signed-in user shows a button to sign out."""
    return bool(page.get_by_role("button", name=words.signed_in).count())


# Chromium drops its requests when the machine's network interfaces change, as
# they do when Docker adds or removes a container's (Compose replacing one beside
# the check): ERR_NETWORK_CHANGED, or its error page. A reader reloads; so does the check.
NETWORK_CHANGED = "ERR_NETWORK_CHANGED"
ERROR_PAGE = "chrome-error://"
TRIES = 3


def _open(page, url: str) -> None:
    from playwright.sync_api import Error

    for attempt in range(1, TRIES + 1):
        try:
            page.goto(url, wait_until="load")
            return
        except Error as error:
            if NETWORK_CHANGED not in error.message or attempt == TRIES:
                raise
            time.sleep(0.5)


def _submit(page, user: str, password: str, words: SignInPage) -> bool:
    """Fill in and send the sign-in form; whether the page after it is signed in."""
    from playwright.sync_api import Error

    sign_in_url = page.url
    for attempt in range(1, TRIES + 1):
        page.fill("input[name=username]", user)
        page.fill("input[name=password]", password)
        # Until the page after the form has loaded: the click returns once the POST has
        # started, and the loaded page before it would otherwise count as the page after.
        try:
            with page.expect_navigation(wait_until="load"):
                page.click("button[type=submit]")
        except Error as error:
            if NETWORK_CHANGED not in error.message or attempt == TRIES:
                raise OutcomeNotReached(f"the browser cannot send the sign-in form: "
                                        f"{error.message.splitlines()[0]}")
        else:
            if not page.url.startswith(ERROR_PAGE) or attempt == TRIES:
                break
        time.sleep(0.5)
        _open(page, sign_in_url)
    return _signed_in(page, words)


@contextmanager
def signed_in(url: str, user: str, password: str, words: SignInPage, ca: Path | None = None, resolve: str = "",
              browsers: Browsers | None = None) -> Iterator:
    """A browser page signed in at `url`, as the reader signs in."""
    with sign_in_page(url, words, ca, resolve, browsers) as page:
        if not _submit(page, user, password, words):
            raise OutcomeNotReached(f"signing in as {user} at {url} failed: the page after it "
                                    f"({page.url}) shows no {words.signed_in} button")
        yield page


def refused(url: str, user: str, password: str, sees: list[str], words: SignInPage, ca: Path | None = None,
            resolve: str = "", browsers: Browsers | None = None) -> str:
    """The sign-in must fail: the page after it is the sign-in page again, with
    no button to sign out, and the refusal's message and each of `sees` shown."""
    with sign_in_page(url, words, ca, resolve, browsers) as page:
        if _submit(page, user, password, words):
            raise OutcomeNotReached(f"signing in as {user} at {url} should be refused, but it worked: "
                                    f"{page.url} shows a {words.signed_in} button")
        if not _on_sign_in(page, words):
            raise OutcomeNotReached(f"signing in as {user} at {url} shows neither a {words.signed_in} button "
                                    f"nor the page {words.heading} again ({page.url}, title: {page.title()!r})")
        missing = [text for text in [words.refused, *sees] if not page.get_by_text(text).count()]
        if missing:
            raise OutcomeNotReached(f"signing in as {user} was refused, but {page.url} does not show "
                                    + ", ".join(repr(text) for text in missing))
        return f"signing in at {url} as {user} was refused: saw " + ", ".join(repr(t) for t in [words.refused, *sees])


def check(url: str, user: str, password: str, sees: list[str], words: SignInPage, table: str = "",
          ca: Path | None = None, resolve: str = "", steps: list | None = None, pictures: Path | None = None,
          browsers: Browsers | None = None) -> str:
    with signed_in(url, user, password, words, ca, resolve, browsers) as page:
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
            taken = follow(page, url, steps, pictures, words)
            seen += f", followed {len(steps)} steps" + (f", took {', '.join(taken)}" if taken else "")
        return seen


def follow(page, url: str, steps: list, pictures: Path | None, words: SignInPage) -> list[str]:
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
            elif action == "reload":
                # Each reload a new request, which a load balancer may send to
                # another replica: the reader must stay signed in on every one.
                for reload in range(1, int(value) + 1):
                    page.reload(wait_until="load")
                    if not _signed_in(page, words):
                        raise OutcomeNotReached(f"step {number} ({action}: {value!r}): after reload {reload}, "
                                                f"{page.url} shows no {words.signed_in} button: signed out")
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
            elif action == "not-sees":
                shown = [text for text in ([value] if isinstance(value, str) else value)
                         if page.get_by_text(str(text)).filter(visible=True).count()]
                if shown:
                    raise OutcomeNotReached(f"step {number} ({action}: {value!r}) failed on {page.url}: "
                                            f"it shows " + ", ".join(repr(text) for text in shown))
            elif action == "picture":
                options = value if isinstance(value, dict) else {"path": value}
                if pictures is not None:
                    path = pictures / options["path"]
                    path.parent.mkdir(parents=True, exist_ok=True)
                    page.screenshot(path=path, full_page=options.get("whole-page", True))
                    taken.append(options["path"])
            else:
                raise OutcomeNotReached(f"step {number}: no action {action!r}\n{STEPS}")
        except (Error, AssertionError, OSError, KeyError, TypeError, AttributeError, ValueError) as error:
            message = getattr(error, "message", None) or str(error)
            raise OutcomeNotReached(f"step {number} ({action}: {value!r}) failed on {page.url}: "
                                    f"{message.strip().splitlines()[0]}") from None
    return taken


def arguments() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m guide_runner.browser", description=__doc__.split("\n")[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--user", required=True)
    parser.add_argument("--password-file", required=True, type=Path)
    parser.add_argument("--sees", action="append", default=[])
    parser.add_argument("--table", default="")
    parser.add_argument("--refused", action="store_true",
                        help="the sign-in must be refused (then --sees is checked on the sign-in page)")
    parser.add_argument("--steps", type=Path, help="a YAML file of steps")
    parser.add_argument("--pictures", type=Path, help="where the steps' pictures go (default: not taken)")
    parser.add_argument("--ca", type=Path)
    parser.add_argument("--resolve", default="")
    # The project's sign-in page, in its own words ([tool.guide_runner.sign-in]): sign_in_options().
    parser.add_argument("--sign-in-heading", required=True)
    parser.add_argument("--signed-in-button", required=True)
    parser.add_argument("--refused-message", required=True)
    return parser


def sign_in_options(words) -> list[str]:
    """The options that give a check the project's sign-in words (a project.SignInWords)."""
    return ["--sign-in-heading", words.heading, "--signed-in-button", words.signed_in,
            "--refused-message", words.refused]


def run_check(argv: list[str], browsers: Browsers | None = None) -> tuple[int, str]:
    """(0, what was seen) or (1, "outcome not reached: why")."""
    args = arguments().parse_args(argv)
    words = SignInPage(args.sign_in_heading, args.signed_in_button, args.refused_message)
    try:
        password = args.password_file.read_text().strip()
        steps = yaml.safe_load(args.steps.read_text()) if args.steps else None
        if steps is not None and not isinstance(steps, list):
            raise OutcomeNotReached(f"the steps must be a YAML list\n{STEPS}")
        if args.refused:
            if args.table or steps:
                raise OutcomeNotReached("a refused sign-in has no table or steps to check")
            return 0, refused(args.url, args.user, password, args.sees, words, args.ca, args.resolve, browsers)
        return 0, check(args.url, args.user, password, args.sees, words, args.table, args.ca, args.resolve,
                        steps, args.pictures, browsers)
    except (OSError, yaml.YAMLError, OutcomeNotReached) as error:
        return 1, f"outcome not reached: {error}"


def serve() -> int:
    """One check per JSON line on stdin, one answer per line on stdout, with
    the browsers kept between them; ends with stdin."""
    browsers = Browsers()
    try:
        # Started before the first check arrives, while the page's commands run.
        browsers.get(None, "")
        for line in sys.stdin:
            request = json.loads(line)
            # A step may fill a field from a file the page made, named relative to its directory.
            os.chdir(request["cwd"])
            status, out = run_check(request["argv"], browsers)
            print(json.dumps({"status": status, "out": out}), flush=True)
    finally:
        browsers.close()
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv == ["--serve"]:
        return serve()
    status, out = run_check(argv)
    print(out, file=sys.stderr if status else sys.stdout)
    return status


if __name__ == "__main__":
    sys.exit(main())
