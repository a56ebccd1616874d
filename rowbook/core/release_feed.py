"""The release feed: releases.json published by the docs site.

Only the About page calls check(); nothing else in Rowbook waits on the feed.
A result, good or bad, is kept in Django's cache, so at most one request per
hour (per process) goes out, and a feed that is down costs 2 seconds at most
once every few minutes rather than on every view.

Feed format (written by docs_site/hooks/releases_feed.py)::

    {"format": 1, "latest": "0.1.2",
     "releases": [{"version": "0.1.2", "date": "2026-11-24", "summary": "...",
                   "notes_url": "releases/#release-0-1-2",
                   "upgrade": {"image": "upgrade/#...", "compose": "upgrade/#...", ...}}]}

Links may be relative; they are resolved against the feed's own URL.
Pre-releases (0.2.0rc1) come in a list of their own, "prereleases", which
releases before 0.1.3 do not read (they accept only final versions in
"releases"); an install is offered a pre-release only when it runs one.
"""

from __future__ import annotations

import hashlib
import json
import logging
import socket
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from django.core.cache import cache
from packaging.version import InvalidVersion, Version

import rowbook

log = logging.getLogger(__name__)

TIMEOUT = 2.0  # seconds for the whole fetch: the admin is waiting for the page
MAX_BYTES = 1_000_000  # a feed of a few releases is a few kB
CACHE_SECONDS = 3600
CACHE_FAILED_SECONDS = 300  # retry a broken feed sooner than a good one


class FeedError(Exception):
    """What is wrong, to follow "the release feed at <url> ..." in one sentence."""


@dataclass(frozen=True)
class Release:
    version: str
    date: str
    summary: str
    notes_url: str
    upgrade_urls: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Check:
    """The outcome of one check: the newest release, or a one-line problem."""

    newest: Release | None = None
    problem: str = ""


def version_key(version: str) -> Version:
    """The version as PEP 440 orders it: 0.1.10 > 0.1.9, 0.2.0rc1 < 0.2.0."""
    try:
        return Version(version) if isinstance(version, str) else Version("invalid")
    except InvalidVersion:
        raise FeedError(f'a version is not like 1.2.3 or 1.3.0rc1 ("{version}")') from None


def is_newer(candidate: str, running: str = rowbook.__version__) -> bool:
    return version_key(candidate) > version_key(running)


def offered(release: Release, running: str = rowbook.__version__) -> bool:
    """A pre-release is offered only to an install that runs one."""
    return not version_key(release.version).is_prerelease or version_key(running).is_prerelease


def _link(base_url: str, value, what: str) -> str:
    if not isinstance(value, str) or not value:
        raise FeedError(f"{what} is missing")
    url = urljoin(base_url, value)
    if urlsplit(url).scheme not in ("http", "https"):  # never render javascript: and the like
        raise FeedError(f"{what} is not an http(s) link")
    return url


def _text(entry: dict, key: str, version: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str):
        raise FeedError(f'release "{version}" has no {key}')
    return value


def parse(data: bytes, feed_url: str) -> list[Release]:
    """Every release in the feed; FeedError if anything is not as expected."""
    try:
        document = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        raise FeedError("is not valid JSON") from None
    try:
        return _releases(document, feed_url)
    except FeedError as exc:
        raise FeedError(f"is not in the expected format: {exc}") from None


def _releases(document, feed_url: str) -> list[Release]:
    releases = document.get("releases") if isinstance(document, dict) else None
    if not isinstance(releases, list) or not releases:
        raise FeedError('there is no list of "releases"')
    prereleases = document.get("prereleases", [])
    if not isinstance(prereleases, list):
        raise FeedError('"prereleases" is not a list')
    parsed = []
    for entry in releases + prereleases:
        if not isinstance(entry, dict):
            raise FeedError("a release is not an object")
        version = entry.get("version")
        version_key(version)
        upgrade = entry.get("upgrade")
        if not isinstance(upgrade, dict):
            raise FeedError(f'release "{version}" has no upgrade links')
        parsed.append(Release(
            version=version,
            date=_text(entry, "date", version),
            summary=_text(entry, "summary", version),
            notes_url=_link(feed_url, entry.get("notes_url"), f'the notes link of "{version}"'),
            upgrade_urls={method: _link(feed_url, link, f'the {method} upgrade link of "{version}"')
                          for method, link in upgrade.items()},
        ))
    return parsed


def _download(url: str) -> bytes:
    request = urllib.request.Request(url, headers={
        "User-Agent": f"Rowbook/{rowbook.__version__} (update check)",
        "Accept": "application/json"})
    with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
        data = response.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise FeedError(f"is larger than {MAX_BYTES // 1000} kB")
    return data


def fetch(url: str) -> bytes:
    """The feed's bytes within TIMEOUT seconds in all, however slowly the server trickles."""
    box: dict = {}

    def work():
        try:
            box["data"] = _download(url)
        except BaseException as exc:  # handed to the waiting request below
            box["error"] = exc

    # A thread bounds the total time; urlopen's timeout only bounds each socket call.
    worker = threading.Thread(target=work, name="rowbook-release-feed", daemon=True)
    worker.start()
    worker.join(TIMEOUT)
    if worker.is_alive() or isinstance(box.get("error"), (TimeoutError, socket.timeout)):
        raise FeedError(f"did not answer within {TIMEOUT:g} seconds")
    error = box.get("error")
    if isinstance(error, FeedError):
        raise error
    if isinstance(error, urllib.error.HTTPError):
        raise FeedError(f"answered with HTTP status {error.code}")
    if isinstance(error, urllib.error.URLError):
        if isinstance(error.reason, (TimeoutError, socket.timeout)):
            raise FeedError(f"did not answer within {TIMEOUT:g} seconds")
        raise FeedError(f"cannot be reached ({_reason(error.reason)})")
    if isinstance(error, Exception):
        raise FeedError(f"cannot be reached ({_reason(error)})")
    return box["data"]


def _reason(exc) -> str:
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, socket.gaierror):
        return "unknown host name"
    text = getattr(exc, "strerror", None) or str(exc) or exc.__class__.__name__
    return text.rstrip(".")


def _cache_key(url: str) -> str:
    return "rowbook:release-feed:" + hashlib.sha256(url.encode()).hexdigest()[:32]


def check(url: str) -> Check:
    """The newest release in the feed at `url`, from the cache when it is fresh."""
    key = _cache_key(url)
    cached = cache.get(key)
    if cached is not None:
        return cached
    try:
        releases = parse(fetch(url), url)
        result = Check(newest=max(filter(offered, releases), key=lambda r: version_key(r.version), default=None))
        seconds = CACHE_SECONDS
    except FeedError as exc:
        log.warning("release feed %s: %s", url, exc)
        result = Check(problem=f"Could not check for updates: the release feed at {url} {exc}.")
        seconds = CACHE_FAILED_SECONDS
    cache.set(key, result, seconds)
    return result
