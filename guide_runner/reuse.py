"""Reuse a pass while nothing it depends on has changed.

Every scenario that passes is stored under its fingerprint, in
the project's cache (`.cache/guide-passes/` here): the blocks it ran and what happened to each. With
`--changed`, a scenario whose fingerprint has a stored pass is not run again:
its blocks get the stored outcomes (so the coverage report and the site's
marks stay whole), the test shows as REUSED, and the summary lists each reused
scenario with the run it comes from. CI runs everything: `--changed` is for
an editor's machine.

The other tests (the service, the images, the site...) are stored the same
way when they pass, under a coarser fingerprint (`inputs_of_test`): every
file of the repository, the machine, and the test's id. With `--changed` a
test with a stored pass is deselected, and the summary counts them by folder.

A scenario's fingerprint is a sha256 over everything its result depends on:

- the plan: every block it runs, in order, with its page, line, options and
  text as the reader sees it (so the pages it starts from are in it, and a
  change to one of them runs every page that starts from it again);
- the files its blocks can read (the project's `inputs`; here the runner
  itself, the service's source, the included and downloaded files, the
  scripts, the Dockerfiles, the test servers, the release lists; every file
  of the repository where a project names none; hashed from disk, so
  uncommitted changes count);
- the machine it runs on: every tagged image by id, Docker's and Compose's
  versions, the host's Debian packages and the Python packages, by version.

Too much in the fingerprint only costs a run; too little would reuse a pass
that no longer holds, so anything a page may read is in.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from importlib import metadata
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from .outcomes import Outcome, as_rows, from_rows
from .project import current
from .plan import Plan



def files_digest(files: list[str], root: Path, inputs: tuple[str, ...] | None) -> str:
    """The content of every input file among `files` (as git lists them, so
    no bytecode, cache or build output counts), by path: a rename counts.
    `inputs` None: every file."""
    names = [name for name in files if inputs is None or is_under(name, inputs)]
    return _content_digest(root, names)


def is_under(name: str, tops: tuple[str, ...]) -> bool:
    """A repository path is one of `tops`, or in one of those folders."""
    return any(name == top or name.startswith(top + "/") for top in tops)


def _content_digest(root: Path, names: list[str]) -> str:
    """Each file's path and content, in order; a name that is no file (a
    folder, or a file deleted but not yet committed) counts for nothing."""
    digest = hashlib.sha256()
    for name in names:
        path = root / name
        if path.is_file():
            digest.update(f"{name}\0".encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def repository_files(root: Path) -> list[str] | None:
    """Committed and new files, as git sees them (not what .gitignore leaves
    out: .cache, reports, bytecode). None outside a git checkout (a tarball):
    then nothing is fingerprinted, so nothing is stored or reused."""
    try:
        run = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
                             cwd=root, capture_output=True)
    except OSError:  # no git
        return None
    if run.returncode:
        return None
    return sorted(name for name in run.stdout.decode().split("\0") if name)


def inputs_of_test(test_path: str, files: list[str], root: Path,
                   pages: frozenset[str] | None = None,
                   pages_read_by_folder: dict[str, tuple[str, ...]] | None = None) -> str:
    """What a test outside the pages can read: every file, but the pages when
    its folder reads none but those named (`pages_read_by_folder`); `pages`: a test that reads only these pages (its
    `reads_pages` marker, with the pages they start from) has the other pages
    left out, and the rest of docs/ (stylesheets, pictures) kept."""
    docs = current().relative(current().docs) + "/"
    folders = pages_read_by_folder or {}
    folder = next((f for f in folders if test_path.startswith(f)), None)
    if folder is not None:
        files = [f for f in files if not f.startswith(docs) or f in folders[folder]]
    if pages is not None:
        files = [f for f in files if not is_page(f, docs) or f in pages]
    return _content_digest(root, files)


def is_page(name: str, docs: str = "docs/") -> bool:
    return name.startswith(docs) and name.endswith(".md")


def machine_parts(run=subprocess.run, docker: bool = True) -> dict[str, str]:
    """What this machine brings: every tagged image by id, Docker's and
    Compose's versions, the host's Debian packages (Chromium, Caddy...) and
    the Python packages of this environment, by version. The images are
    listed, the packages digested: a miss can then name the images that
    changed (why_run_again). `docker` False: a project whose pages use no
    Docker; the engine is not asked."""
    def output(*command: str) -> str:
        try:
            result = run(list(command), capture_output=True, text=True)
        except OSError:  # not installed here (dpkg-query outside Debian)
            return f"({command[0]} not found)"
        return result.stdout if result.returncode == 0 else f"({' '.join(command)} failed)"

    parts = {}
    if docker:
        images = output("docker", "images", "--no-trunc", "--format", "{{.Repository}}:{{.Tag}} {{.ID}}")
        parts["images"] = "\n".join(sorted(line for line in images.splitlines() if "<none>" not in line))
        versions = output("docker", "version", "--format", "{{.Server.Version}}") + output(
            "docker", "compose", "version", "--short")
        parts["Docker and Compose"] = " ".join(versions.split())
    parts["Debian packages"] = _digest(output("dpkg-query", "--show", "--showformat", "${Package} ${Version}\\n"))
    # A set: a folder twice on sys.path lists its packages twice.
    python = sorted({f"{d.metadata['Name']} {d.version}" for d in metadata.distributions()})
    parts["Python packages"] = _digest("\n".join(python))
    return parts


def environment(files: list[str], run=subprocess.run) -> dict[str, str]:
    """What every fingerprint of a run shares, by part: computed once, when
    collection ends (after the images are built, before any test can tag one)."""
    project = current()
    return {"files": files_digest(files, project.root, project.inputs), **machine_parts(run, project.docker)}


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def fingerprint(plan: Plan, environment: dict[str, str]) -> str:
    # A plan is frozen dataclasses of strings, tuples and dicts: its repr is its whole content.
    return _digest(f"{json.dumps(environment, sort_keys=True)}\0{plan!r}")


def fingerprint_of_test(test_id: str, inputs: str, machine: dict[str, str]) -> str:
    return _digest(f"{inputs}\0{json.dumps(machine, sort_keys=True)}\0{test_id}")


@dataclass(frozen=True)
class StoredPass:
    name: str  # the scenario's name, or the test's id
    date: str  # when it passed, UTC
    commit: str
    seconds: float  # how long it took then: what reusing it saves
    outcomes: dict[tuple[str, int], Outcome]  # a scenario's blocks; none for a test

    def describe(self) -> str:
        return f"{self.name}: passed {self.date} at {self.commit[:10] or 'an unknown commit'} ({self.seconds:.0f} s saved)"


def save(key: str, name: str, outcomes: dict[tuple[str, int], Outcome], seconds: float,
         commit: str, store: Path, environment: dict[str, str] | None = None,
         timings: dict | None = None) -> None:
    store.mkdir(parents=True, exist_ok=True)
    record = {
        "name": name, "commit": commit, "seconds": round(seconds, 1),
        "timings": timings or {},  # a scenario's: where its seconds went (timings.py)
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "outcomes": as_rows(outcomes),
        "environment": environment,  # to say, next time, what changed (why_run_again)
    }
    (store / f"{key}.json").write_text(json.dumps(record, indent=1) + "\n")


def load(key: str, store: Path) -> StoredPass | None:
    path = store / f"{key}.json"
    try:
        record = json.loads(path.read_text())
        outcomes = from_rows(record["outcomes"])
        return StoredPass(record["name"], record["date"], record["commit"], record["seconds"], outcomes)
    except (OSError, ValueError, KeyError, TypeError):
        return None  # none stored, or unreadable: run it


# A test or scenario whose last run failed is run again by --changed even
# where a pass is stored for the same inputs: what failed may lie outside
# the fingerprint (a network, a busy engine, a file outside the repository).
# One empty file per name, under the store's failed/ folder.
def _failure_file(name: str, store: Path) -> Path:
    return store / "failed" / _digest(name)


def record_failure(name: str, store: Path) -> None:
    path = _failure_file(name, store)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(name + "\n")


def clear_failure(name: str, store: Path) -> None:
    _failure_file(name, store).unlink(missing_ok=True)


def failed_last(name: str, store: Path) -> bool:
    return _failure_file(name, store).is_file()


def latest_passes(store: Path) -> dict[str, dict]:
    """The newest stored pass of each scenario or test, by name."""
    latest: dict[str, tuple[float, dict]] = {}
    for path in store.glob("*.json"):
        try:
            record, when = json.loads(path.read_text()), path.stat().st_mtime
            name = record["name"]
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if name not in latest or when > latest[name][0]:
            latest[name] = (when, record)
    return {name: record for name, (_, record) in latest.items()}


def why_run_again(name: str, environment: dict[str, str], latest: dict[str, dict]) -> str:
    """What differs between this run and the newest stored pass of `name`."""
    record = latest.get(name)
    if record is None:
        return "no pass stored on this machine"
    then = record.get("environment")
    if not isinstance(then, dict):
        return f"its last pass ({record['date']}) was stored without its inputs"
    changed = [_images_changed(then.get(part, ""), now) if part == "images" else part
               for part, now in environment.items() if then.get(part) != now]
    if not changed:
        return f"its blocks changed since its last pass ({record['date']})"
    return f"changed since its last pass ({record['date']}): {'; '.join(changed)}"


def _images_changed(before: str, after: str) -> str:
    """`images (new: a:1; gone: b:2; rebuilt: c:3)`, by tag."""
    def by_tag(listing: str) -> dict[str, str]:
        return dict(line.split(" ", 1) for line in listing.splitlines() if " " in line)
    old, new = by_tag(before), by_tag(after)
    kinds = {"new": [t for t in new if t not in old], "gone": [t for t in old if t not in new],
             "rebuilt": [t for t in new if t in old and new[t] != old[t]]}
    return "images (" + "; ".join(f"{kind}: {', '.join(tags)}" for kind, tags in kinds.items() if tags) + ")"
