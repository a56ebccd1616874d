"""The project the runner runs: where its pages, site and files are.

A project turns the runner on with a `[tool.guide_runner]` table in the
`pyproject.toml` of pytest's rootdir; without one, the plugin does nothing
(no option read, no file written, no Docker call):

    [tool.guide_runner]
    docs = "docs"                  # the pages (required)
    mkdocs-yml = "mkdocs.yml"      # the site's configuration
    docker = true                  # pages use the Docker engine: one run per engine, the leak
                                   # check after each page (default false: never called)
    releases = "docs-versions.toml"   # renditions per release (optional)
    build-images = ["scripts/build-images.sh"]  # run before the first Docker page (optional)
    reports = "reports"            # coverage.json and JUnit go here (optional: none written without it)
    cache = ".cache/guide-runner"  # stored passes, renditions, tools
    durations = "tests/durations.json"  # each test's seconds, for the order of lanes (optional)
    inputs = ["src", "scripts"]    # what blocks may read besides their text (default: every file)
    release-passes = "tests/release-passes.json"   # older releases' pages run again only when their
                                   # inputs change: their last passes, committed (optional: else every run)
    release-passes-days = 30       # and at least this often
    newest-release-inputs = ["src"]   # inputs an older release does not read (its own commit's source)
    run-pages-in = "container"     # where a page that names no machine runs: a throwaway container
                                   # (the default), or "host": this machine, in a scratch folder
    container-image = "debian:bookworm-slim"   # the throwaway container's image (it needs bash)
    sandbox-prefix = "guide-runner"   # $RUNNER_SANDBOX, a name unique to each scenario, starts so

    [tool.guide_runner.pages-read-by-folder]   # tests that read no page but these (optional)
    "tests/service/" = []

    [tool.guide_runner.sign-in]    # how outcome checks know the sign-in page (with outcome checks)
    heading = "Sign in to Example"
    signed-in = "Sign out"         # the button every signed-in page shows
    refused = "Wrong user name or password."   # the message of a refused sign-in

    [tool.guide_runner.machines]   # test servers a page names with machine="NAME" (optional)
    debian-12 = { image = "example/debian-server:12", user = "admin" }

    [tool.guide_runner.lane-images]   # what each lane (--lanes) gets of the main engine's images
    label = "org.example.inputs"   # the images build-images labels so (default: every tagged image)
    tags = ["debian:bookworm-slim"]   # and these, such as what they are built from

Paths are relative to the rootdir. The plugin activates the project for the
run (`use`) and puts the previous one back when the run ends, so a pytester
run of an outside project inside this one leaves this one's in place.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

TABLE = "guide_runner"


class ProjectError(Exception):
    """The [tool.guide_runner] table is wrong: the message names the key and the fix."""


@dataclass(frozen=True)
class LaneImages:
    """The main engine's images each lane gets: those labelled `label`, and `tags`."""
    label: str
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class SignInWords:
    heading: str
    signed_in: str
    refused: str


@dataclass(frozen=True)
class Project:
    root: Path
    docs: Path
    mkdocs_yml: Path
    releases: Path | None = None
    build_images: tuple[str, ...] = ()
    reports: Path | None = None
    cache: Path = Path()
    durations: Path | None = None
    inputs: tuple[str, ...] | None = None  # None: every file of the repository
    # The support window (release_passes.py): the committed record of older
    # releases' passes (None: they run in full every time), how many days a
    # pass stands for them, and the inputs only the newest release reads.
    release_passes: Path | None = None
    release_passes_days: int = 30
    newest_release_inputs: tuple[str, ...] = ()
    pages_read_by_folder: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # name: (image with systemd as PID 1, the reader's sudo user) (machines.py)
    machines: dict[str, tuple[str, str]] = field(default_factory=dict)
    sign_in: SignInWords | None = None  # what outcome checks look for (browser.py)
    lane_images: LaneImages | None = None  # None: every tagged image of the main engine (lanes.py)
    # The leak check after each page: only where the project says its pages use Docker.
    docker: bool = False
    # Where a page that names no machine runs: "container", a throwaway one of
    # `container_image` (a page's `sudo` or `rm -rf` cannot reach this machine),
    # or "host", this machine (a page says so with machine="host").
    run_pages_in: str = "container"
    container_image: str = "debian:bookworm-slim"
    sandbox_prefix: str = "guide-runner"  # of $RUNNER_SANDBOX, what pages name their containers after

    @property
    def passes(self) -> Path:
        """Where passing scenarios and tests are stored (--changed)."""
        return self.cache / "guide-passes"

    @property
    def renditions(self) -> Path:
        return self.cache / "docs-versions"

    @property
    def tools(self) -> Path:
        """Programs a project unpacks for the runner (caddy, to check Caddyfiles)."""
        return self.cache / "tools"

    def relative(self, path: Path) -> str:
        """`path` as the project names it (docs/x.md), or as given when outside it."""
        try:
            return path.resolve().relative_to(self.root).as_posix()
        except ValueError:
            return str(path)


def load(root: Path) -> Project | None:
    """The project configured in `root`/pyproject.toml; None when it has no
    [tool.guide_runner] table (the runner is then off)."""
    root = root.resolve()
    pyproject = root / "pyproject.toml"
    if not pyproject.is_file():
        return None
    try:
        table = tomllib.loads(pyproject.read_text()).get("tool", {}).get(TABLE)
    except tomllib.TOMLDecodeError:
        return None  # pytest itself says what is wrong with the file
    if table is None:
        return None
    return from_table(root, table)


_KEYS = {"docs", "mkdocs-yml", "docker", "releases", "build-images", "reports", "cache", "durations", "inputs",
         "pages-read-by-folder", "machines", "sign-in", "lane-images", "run-pages-in", "container-image", "sandbox-prefix",
         "release-passes", "release-passes-days", "newest-release-inputs"}
PLACES = ("container", "host")  # run-pages-in


def from_table(root: Path, table: dict) -> Project:
    unknown = sorted(set(table) - _KEYS)
    if unknown:
        raise ProjectError(f"[tool.{TABLE}] in {root / 'pyproject.toml'}: unknown key {', '.join(unknown)} "
                           f"(the keys are {', '.join(sorted(_KEYS))})")

    def path(key: str, default: str | None = None) -> Path | None:
        value = table.get(key, default)
        if value is None:
            return None
        if not isinstance(value, str) or not value:
            raise ProjectError(f"[tool.{TABLE}] {key} must be a path relative to {root}, not {value!r}")
        return root / value

    def texts(value: object, keys: set[str]) -> bool:
        """A table of exactly `keys`, each a text that is not empty."""
        return (isinstance(value, dict) and set(value) == keys
                and all(isinstance(v, str) and v for v in value.values()))

    def strings(key: str) -> tuple[str, ...] | None:
        value = table.get(key)
        if value is None:
            return None
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise ProjectError(f"[tool.{TABLE}] {key} must be a list of strings, not {value!r}")
        return tuple(value)

    if "docs" not in table:
        raise ProjectError(f"[tool.{TABLE}] in {root / 'pyproject.toml'} needs docs = \"FOLDER\": "
                           "the folder of the pages to run")
    docs = path("docs")
    if not docs.is_dir():
        raise ProjectError(f"[tool.{TABLE}] docs = {table['docs']!r}: no such folder in {root}")
    docker = table.get("docker", False)
    if not isinstance(docker, bool):
        raise ProjectError(f"[tool.{TABLE}] docker must be true or false, not {docker!r}")
    run_pages_in = table.get("run-pages-in", Project.run_pages_in)
    if run_pages_in not in PLACES:
        raise ProjectError(f"[tool.{TABLE}] run-pages-in must be \"container\" (a throwaway container for each "
                           f"scenario, the default) or \"host\" (this machine), not {run_pages_in!r}")
    container_image = table.get("container-image", Project.container_image)
    if not isinstance(container_image, str) or not container_image.strip():
        raise ProjectError(f"[tool.{TABLE}] container-image must name an image with bash, such as "
                           f"\"debian:bookworm-slim\", not {container_image!r}")
    sandbox_prefix = table.get("sandbox-prefix", Project.sandbox_prefix)
    if not (isinstance(sandbox_prefix, str) and re.fullmatch(r"[a-z0-9][a-z0-9-]{0,19}", sandbox_prefix)):
        raise ProjectError(f"[tool.{TABLE}] sandbox-prefix must be lowercase letters, digits and dashes "
                           f"(at most 20), as Docker names allow, not {sandbox_prefix!r}")
    if "host" in table.get("machines", {}):
        raise ProjectError(f"[tool.{TABLE}.machines] host is a name of the runner's: a page's machine=\"host\" "
                           "runs it on this machine; name the test server otherwise")
    days = table.get("release-passes-days", Project.release_passes_days)
    if not (isinstance(days, int) and not isinstance(days, bool) and 1 <= days <= 366):
        raise ProjectError(f"[tool.{TABLE}] release-passes-days must be a whole number of days from 1 to 366 "
                           f"(how long an older release's recorded pass stands for it), not {days!r}")
    folders = table.get("pages-read-by-folder", {})
    if not isinstance(folders, dict):
        raise ProjectError(f"[tool.{TABLE}.pages-read-by-folder] must be a table of folder = [pages]")
    machines = {}
    for name, spec in table.get("machines", {}).items():
        if not texts(spec, {"image", "user"}):
            raise ProjectError(f"[tool.{TABLE}.machines] {name} must be {{ image = \"IMAGE\", user = \"USER\" }}: "
                               f"an image with systemd as PID 1 and the reader's sudo user, not {spec!r}")
        machines[name] = (spec["image"], spec["user"])
    sign_in = None
    if "sign-in" in table:
        words = table["sign-in"]
        if not texts(words, {"heading", "signed-in", "refused"}):
            raise ProjectError(f"[tool.{TABLE}.sign-in] must hold heading, signed-in and refused, each the text "
                               f"the project's pages show, not {words!r}")
        sign_in = SignInWords(words["heading"], words["signed-in"], words["refused"])
    lane_images = None
    if "lane-images" in table:
        chosen = table["lane-images"]
        tags = chosen.get("tags", []) if isinstance(chosen, dict) else None
        if not (isinstance(tags, list) and all(isinstance(t, str) and t for t in tags)
                and texts({k: v for k, v in chosen.items() if k != "tags"}, {"label"})):
            raise ProjectError(f"[tool.{TABLE}.lane-images] must be label = \"LABEL\" (the label of the images "
                               f"the project builds) and, optionally, tags = [\"IMAGE:TAG\", ...], not {chosen!r}")
        lane_images = LaneImages(chosen["label"], tuple(tags))
    return Project(
        root=root, docs=docs, mkdocs_yml=path("mkdocs-yml", "mkdocs.yml"), releases=path("releases"),
        build_images=strings("build-images") or (), reports=path("reports"),
        cache=path("cache", ".cache/guide-runner"), durations=path("durations"), inputs=strings("inputs"),
        pages_read_by_folder={folder: tuple(pages) for folder, pages in folders.items()}, docker=docker,
        machines=machines, sign_in=sign_in, lane_images=lane_images, run_pages_in=run_pages_in,
        container_image=container_image, sandbox_prefix=sandbox_prefix,
        release_passes=path("release-passes"), release_passes_days=days,
        newest_release_inputs=strings("newest-release-inputs") or (),
    )


_current: Project | None = None
_caches: list = []  # the cache_clear of every function cached with `cached`


def cached(function):
    """functools.cache for what is read from the current project: emptied when
    another project is set (a pytester run of an outside project, then ours)."""
    wrapped = functools.cache(function)
    _caches.append(wrapped.cache_clear)
    return wrapped


def use(project: Project | None) -> Project | None:
    """Make `project` the one the runner's modules read; returns the one before."""
    global _current
    previous, _current = _current, project
    if previous is not project:
        for clear in _caches:
            clear()
    return previous


def use_unless_set(project: Project | None) -> None:
    """Set `project` when no run has set one (a module imported inside a run keeps the run's)."""
    if _current is None:
        use(project)


def current() -> Project:
    """The project of this run (set by the plugin, or by a tool that reads the
    pages outside pytest: the site's hooks, the benchmarks)."""
    if _current is None:
        raise ProjectError("no guide runner project is set: configure [tool.guide_runner] in pyproject.toml")
    return _current
