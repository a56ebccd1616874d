"""The runner and its peers on an outside project's real MkDocs pages (issue #41).

The pages: MkDocs' own "Getting Started" and "Installation" (the MkDocs
repository, docs/getting-started.md and docs/user-guide/installation.md),
written by people who never heard of this runner. Each tool runs them as a
newcomer would point it at them, on this machine, with a fresh Python venv
first on PATH as the reader's Python (the pages `pip install mkdocs`):

- guide runner, as is: `[tool.guide_runner] docs = "docs"` and
  `run-pages-in = "host"` (the venv is the reader's machine), no annotation;
- guide runner, annotated: the same with the hidden comments of ANNOTATIONS
  added, what a maintainer adopting it would write (a skip with its reason,
  test-only substitutions for a download and for example versions);
- mktestdocs: `check_md_file(page, lang="bash")`, a test per page;
- pytest-codeblocks: `pytest --codeblocks`, a test per block;
- byexample: `byexample -l shell`, each `$ ` line an example.

For each: the blocks (or examples) it found, ran, passed and failed, and each
failure with what it is at this commit of the pages: "true" (the page is
wrong for its reader), "false" (the page is right, the tool failed it), or
"here" (this machine: no internet). Wall seconds, each tool with a limit of
LIMIT seconds (a hang counts as a failure of the block that hung).

    git clone https://github.com/mkdocs/mkdocs && git -C mkdocs checkout 2862536
    .venv/bin/python benchmarks/outside_project.py mkdocs

Needs the package index (the tools, and the pages' own `pip install`).
Not a test: numbers vary from machine to machine.
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ElementTree
from pathlib import Path

from benchmarks.containers import table

ROOT = Path(__file__).resolve().parent.parent
COMMIT = "2862536"  # mkdocs/mkdocs, master on 2026-12-07
PAGES = ("docs/user-guide/installation.md", "docs/getting-started.md")
PEERS = ("pytest==9.2.0", "mktestdocs==0.2.5", "pytest-codeblocks==0.18.0", "byexample==11.0.0")
LIMIT = 900

# What each failing block is, at COMMIT, by (page, line of its opening fence).
FACTS = {
    ("docs/user-guide/installation.md", 14): "false: the versions are examples ('Python 3.8.2')",
    ("docs/user-guide/installation.md", 49): "false: get-pip.py is for a reader without pip, downloaded first",
    ("docs/user-guide/installation.md", 64): "false: the version is an example ('1.2.0')",
    ("docs/user-guide/installation.md", 73): "true: `click-man --target path/to/man/pages` is a placeholder path",
    ("docs/user-guide/installation.md", 88): "false: `python -m mkdocs` alone shows the help (and exits 2)",
    ("docs/getting-started.md", 22): "false: the commands need the folder the block before made",
    ("docs/getting-started.md", 41): "false: `mkdocs serve` serves until the reader stops it",
    ("docs/getting-started.md", 83): "here: no internet on this machine (only the package index)",
    ("docs/getting-started.md", 145): "false: `mkdocs build` needs the folder a block before went into",
    ("docs/getting-started.md", 152): "true: `ls site` shows what MkDocs no longer makes (fonts, license, search.html)",
    ("docs/getting-started.md", 167): "false: needs the folder a block before went into",
    ("docs/getting-started.md", 179): "false: needs mkdocs installed by a block before",
    ("docs/getting-started.md", 187): "false: needs mkdocs installed by a block before",
}

# The hidden comments a maintainer adds for the runner, by page: (line of the
# opening fence they go above, the comment). Each shows in the page source only.
ANNOTATIONS = {
    "docs/user-guide/installation.md": [
        (14, '<!-- test: replace="Python 3.8.2=>Python ...|pip 20.0.2 from /usr/local/lib/python3.8/'
             'site-packages/pip (python 3.8)=>pip ... from ..." -->'),
        (49, '<!-- test: skip="only for a Python without pip; get-pip.py is downloaded first" -->'),
        (64, '<!-- test: replace="version 1.2.0 from /usr/local/lib/python3.8/site-packages/mkdocs '
             '(Python 3.8)=>version ... from ..." -->'),
        (81, '<!-- test: exit=2 -->'),  # above the note whose quote holds the block (line 88)
    ],
    "docs/getting-started.md": [
        (41, '<!-- test: skip="serves until you press Ctrl-C; the build below makes the same site" -->'),
        (83, '<!-- test: replace="curl \'https://jaspervdj.be/lorem-markdownum/markdown.txt\'=>'
             'printf \'# About\\\\n\\\\nLorem ipsum.\\\\n\'" -->'),
    ],
}

FENCE = re.compile(r"^ *(?:> *)?(`{3,})([\w-]*)", re.M)


def blocks_of(text: str) -> list[tuple[int, int, str]]:
    """(first line, last line, language) of each fenced block, lines from 1."""
    found, lines, opened = [], text.splitlines(), None
    for number, line in enumerate(lines, 1):
        match = FENCE.match(line)
        if not match:
            continue
        if opened is None:
            opened = (number, match[1], match[2])
        elif match[1] == opened[1] and not match[2]:
            found.append((opened[0], number, opened[2]))
            opened = None
    return found


def block_at(page: Path, line: int) -> int:
    """The opening line of the block that holds `line` (or `line`)."""
    return next((first for first, last, _ in blocks_of(page.read_text()) if first <= line <= last), line)


# A true failure counts only where the tool shows the defect: here, the
# listing of a site MkDocs really built (a tool that never installed MkDocs
# fails that block too, for a reason that is not the page's).
EVIDENCE = {("docs/getting-started.md", 152): "sitemap.xml.gz"}


def fact(page: str, line: int, output: str = "") -> str:
    said = FACTS.get((page, line), "not classified")
    evidence = EVIDENCE.get((page, line))
    if said.startswith("true") and evidence and evidence not in output:
        return f"false: failed before the page's own defect could show ({evidence} not in its output)"
    return said


# -- the tools ------------------------------------------------------------------


def tools_venv(cache: Path) -> Path:
    """The peers and the runner (from guide_runner/, as an outside project installs it)."""
    venv = cache / "tools"
    if not (venv / "bin" / "byexample").exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        with tempfile.TemporaryDirectory() as folder:  # a build writes build/ beside its sources: a copy's
            source = shutil.copytree(ROOT / "guide_runner", Path(folder) / "guide_runner",
                                     ignore=shutil.ignore_patterns("*.egg-info", "build", "__pycache__"))
            subprocess.run([venv / "bin" / "pip", "install", "-q", *PEERS, str(source)], check=True)
    return venv


def reader_env(folder: Path) -> dict[str, str]:
    """A fresh venv first on PATH: the reader's Python, where the pages install MkDocs."""
    venv = folder / "reader-python"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    return {"PATH": f"{venv / 'bin'}:/usr/local/bin:/usr/bin:/bin", "HOME": str(folder / "home"),
            "LANG": "C.UTF-8", "TERM": "dumb"}


def timed(argv: list, cwd: Path, env: dict[str, str]) -> tuple[float, str]:
    started = time.monotonic()
    try:
        run = subprocess.run([str(a) for a in argv], cwd=cwd, env=env, capture_output=True, text=True, timeout=LIMIT)
        out = run.stdout + run.stderr
    except subprocess.TimeoutExpired as hung:
        out = f"(killed after {LIMIT} s)\n" + (hung.stdout or b"").decode(errors="replace")
    return time.monotonic() - started, out


def guide_runner(tools: Path, project: Path, env: dict[str, str]) -> dict:
    (project / "pyproject.toml").write_text(
        '[tool.guide_runner]\ndocs = "docs"\nrun-pages-in = "host"\nreports = "reports"\n')
    seconds, out = timed([tools / "bin" / "pytest", "-p", "no:cacheprovider", "-p", "no:codeblocks", *PAGES],
                         project, env)
    report = json.loads((project / "reports" / "coverage.json").read_text())
    statuses = {(page, entry["line"]): entry["status"] for page, data in report["pages"].items()
                for entry in data["blocks"]}
    ran = {key: s for key, s in statuses.items() if s not in ("not run", "not collected", "skipped")}
    failed = [key for key, s in statuses.items() if s == "failed"]
    return {"found": len(statuses), "ran": len(ran), "passed": len(ran) - len(failed), "failed": failed,
            "seconds": seconds, "tail": out[-20000:]}


def mktestdocs(tools: Path, project: Path, env: dict[str, str]) -> dict:
    (project / "test_pages_mktestdocs.py").write_text(
        "import pathlib, pytest\nfrom mktestdocs import check_md_file\n\n"
        f"@pytest.mark.parametrize('page', {list(PAGES)!r})\n"
        "def test_page(page):\n    check_md_file(fpath=pathlib.Path(page), lang='bash')\n")
    seconds, out = timed([tools / "bin" / "pytest", "-p", "no:cacheprovider", "-p", "no:guide_runner",
                          "-p", "no:codeblocks", "-q", "--junitxml", "mktestdocs.xml", "test_pages_mktestdocs.py"],
                         project, env)
    # Its own parser's blocks, by page, in order; it stops a page at the first that fails.
    listed = subprocess.run([tools / "bin" / "python", "-c",
                             "import sys, json, pathlib; from mktestdocs import grab_code_blocks\n"
                             "print(json.dumps({p: grab_code_blocks(pathlib.Path(p).read_text(), lang='bash') "
                             "for p in sys.argv[1:]}))", *PAGES], cwd=project, capture_output=True, text=True)
    blocks = json.loads(listed.stdout)
    found = sum(len(b) for b in blocks.values())
    ran, failed = 0, []
    for case in ElementTree.parse(project / "mktestdocs.xml").getroot().iter("testcase"):
        page = re.search(r"\[(.*)\]", case.get("name", ""))[1]
        failure = case.find("failure")
        command = re.search(r"Command '(\[.*\])' returned non-zero", failure.text or "") \
            if failure is not None else None
        if command is None:
            ran += len(blocks[page])
            continue
        source = ast.literal_eval(command[1])[-1]  # ['bash', '-e', '-u', '-c', SOURCE]
        index = next(i for i, block in enumerate(blocks[page]) if block == source)
        ran += index + 1
        first_line = source.splitlines()[0]
        text = (project / page).read_text().splitlines()
        line = next(n for n, shown in enumerate(text, 1) if shown.strip().lstrip("> ") == first_line)
        failed.append((page, block_at(project / page, line)))
    return {"found": found, "ran": ran, "passed": ran - len(failed), "failed": failed, "seconds": seconds,
            "note": f"{len(PAGES) - len(failed)} of {len(PAGES)} pages passed (a test per page)", "tail": out[-20000:]}


def codeblocks(tools: Path, project: Path, env: dict[str, str]) -> dict:
    seconds, out = timed([tools / "bin" / "pytest", "-p", "no:cacheprovider", "-p", "no:guide_runner",
                          "--codeblocks", "-rA", *PAGES], project, env)
    # Its test ids name the page and the block's opening line: "docs/x.md::line 83".
    outcomes = re.findall(r"^(PASSED|FAILED|SKIPPED|ERROR) (\S+)::line (\d+)", out, re.M)
    failed = [(page, int(line)) for status, page, line in outcomes if status in ("FAILED", "ERROR")]
    ran = sum(1 for status, _, _ in outcomes if status != "SKIPPED")
    return {"found": len(outcomes), "ran": ran, "passed": ran - len(failed), "failed": failed,
            "seconds": seconds, "tail": out[-20000:]}


def byexample(tools: Path, project: Path, env: dict[str, str]) -> dict:
    seconds, out = timed([tools / "bin" / "byexample", "-l", "shell", "--timeout", "60", "--no-enhance-diff",
                          "--show-failures", "99", *PAGES], project, env)
    found = ran = 0
    for match in re.finditer(r"File (\S+), (\d+)/(\d+) test ran in", out):
        ran, found = ran + int(match[2]), found + int(match[3])
    failed = []
    for match in re.finditer(r'File "?([^",\s]+)"?, line (\d+)', out):
        failed.append((match[1], block_at(project / match[1], int(match[2]))))
    return {"found": found, "ran": ran, "passed": ran - len(failed), "failed": failed, "seconds": seconds,
            "tail": out[-20000:]}


def annotate(project: Path) -> int:
    """Add ANNOTATIONS to the pages; returns how many comments were added."""
    for page, comments in ANNOTATIONS.items():
        lines = (project / page).read_text().splitlines(keepends=True)
        for line, comment in sorted(comments, reverse=True):
            lines.insert(line - 1, comment + "\n")
        (project / page).write_text("".join(lines))
    return sum(len(c) for c in ANNOTATIONS.values())


def unannotated(page: str, line: int) -> int:
    """A line of an annotated page as the page has it without the comments."""
    above = sorted(at for at, _ in ANNOTATIONS.get(page, []))
    return next(x for x in range(line - len(above), line + 1) if x + sum(at <= x for at in above) == line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("checkout", type=Path, help=f"a clone of github.com/mkdocs/mkdocs at {COMMIT}")
    parser.add_argument("--tools", nargs="*", default=["runner", "runner-annotated", "mktestdocs", "codeblocks",
                                                        "byexample"])
    args = parser.parse_args()
    head = subprocess.run(["git", "-C", args.checkout, "rev-parse", "--short=7", "HEAD"], capture_output=True,
                          text=True).stdout.strip()
    if head != COMMIT:
        sys.exit(f"{args.checkout} is at {head or 'no commit'}, the facts are for {COMMIT}: git checkout {COMMIT}")
    cache = ROOT / ".cache" / "benchmarks" / "outside-project"
    cache.mkdir(parents=True, exist_ok=True)
    tools = tools_venv(cache)
    runs = {"runner": guide_runner, "runner-annotated": guide_runner, "mktestdocs": mktestdocs,
            "codeblocks": codeblocks, "byexample": byexample}
    rows = [("tool", "found", "ran", "passed", "failed", "false failures", "true", "here", "seconds")]
    details = []
    for name in args.tools:
        with tempfile.TemporaryDirectory(prefix="outside-project-") as folder:
            project = Path(folder) / "mkdocs"
            shutil.copytree(args.checkout, project, ignore=shutil.ignore_patterns(".git"))
            (Path(folder) / "home").mkdir()
            added = annotate(project) if name == "runner-annotated" else 0
            result = runs[name](tools, project, reader_env(Path(folder)))
        if added:
            result["failed"] = [(page, unannotated(page, line)) for page, line in result["failed"]]
        (cache / f"{name}.log").write_text(result["tail"])  # the tool's last words, to read after
        result["failed"] = sorted(set(result["failed"]))  # a block, once: its examples or lines may fail apart
        kinds = [fact(*key, result["tail"]).split(":")[0] for key in result["failed"]]
        label = f"{name} (+{added} comments)" if added else name
        rows.append((label, str(result["found"]), str(result["ran"]), str(result["passed"]),
                     str(len(result["failed"])), str(kinds.count("false")), str(kinds.count("true")),
                     str(kinds.count("here")), f"{result['seconds']:.0f}"))
        details += [f"{label}: {page}:{line}: {fact(page, line, result['tail'])}" for page, line in result["failed"]]
        if result.get("note"):
            details.append(f"{label}: {result['note']}")
    table(rows)
    print("\n".join(details))


if __name__ == "__main__":
    main()
