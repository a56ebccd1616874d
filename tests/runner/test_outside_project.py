"""The runner in a project that is not this one (issue #41): configured in one
place, found from pytest's rootdir, and off where nothing configures it.

Each test runs pytest in a subprocess, in pytester's folder, with `docker` and
`dpkg-query` on PATH replaced by scripts that only write down that they were
called: what is checked is that the runner does not call them."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

import guide_runner

pytest_plugins = ["pytester"]

def readme_files() -> dict[str, str]:
    """The two-page project of the runner's README ("Five minutes"), by path:
    the test runs what a newcomer copies, never a second copy of it."""
    readme = (Path(guide_runner.__file__).parent / "README.md").read_text()
    found = re.findall(r'^(`{3,})\w+ title="([^"]+)"\n(.*?)^\1$', readme, flags=re.M | re.S)
    return {path: text for _fence, path, text in found}


FILES = readme_files()
MKDOCS_YML, PYPROJECT = FILES["mkdocs.yml"], FILES["pyproject.toml"]
GETTING_STARTED, TABS = FILES["docs/getting-started.md"], FILES["docs/shells.md"]
# Every run: pytest's own cache would be a file written.
NO_CACHE = ("-p", "no:cacheprovider")


@pytest.fixture
def spies(pytester, tmp_path):
    """`docker` and `dpkg-query` that write their arguments to a log and fail."""
    bin_dir, log = tmp_path / "spy-bin", tmp_path / "called.log"
    bin_dir.mkdir()
    for name in ("docker", "dpkg-query"):
        spy = bin_dir / name
        spy.write_text(f'#!/bin/sh\necho "{name} $*" >> {log}\nexit 1\n')
        spy.chmod(0o755)
    pytester._monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    pytester._monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    # Not inside this repository's run: its engine lock would say "already held".
    pytester._monkeypatch.delenv("GUIDE_RUNNER_ENGINE_LOCK", raising=False)
    return log


# What pytester itself writes beside the project: each run's output and basetemp.
PYTESTERS_OWN = ("stdout", "stderr", "runpytest-")


def files_in(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*")
            if p.is_file() and not p.relative_to(folder).as_posix().startswith(PYTESTERS_OWN)}


def package_files() -> dict[str, bytes]:
    """The runner's own folder: an installed runner wrote its cache there."""
    return files_in(Path(guide_runner.__file__).parent)


def outside_docs(pytester) -> None:
    pytester.makefile(".yml", mkdocs=MKDOCS_YML)
    docs = pytester.path / "docs"
    docs.mkdir()
    (docs / "getting-started.md").write_text(GETTING_STARTED)
    (docs / "shells.md").write_text(TABS)


def test_an_unrelated_project_runs_as_without_the_runner(pytester, spies):
    """No [tool.guide_runner]: same outcome as with the plugin disabled, no
    Docker or dpkg-query call, no file written, its Markdown not collected."""
    pytester.makepyfile(test_one="def test_one():\n    assert 1 + 1 == 2\n")
    outside_docs(pytester)  # Markdown it has, but never asked the runner to run
    pytester.makefile(".toml", pyproject="[tool.pytest.ini_options]\naddopts = \"-p no:cacheprovider\"\n")
    before, package = files_in(pytester.path), package_files()

    with_runner = pytester.runpytest_subprocess()
    without = pytester.runpytest_subprocess("-p", "no:guide_runner")
    assert with_runner.parseoutcomes() == without.parseoutcomes() == {"passed": 1}
    assert with_runner.ret == without.ret == pytest.ExitCode.OK

    pytester.makepyfile(test_one="def test_one():\n    assert 1 + 1 == 3\n")
    broken = pytester.runpytest_subprocess()
    assert broken.parseoutcomes() == {"failed": 1}
    # --changed is the runner's: here a usage error, never a green run that skipped the failure.
    changed = pytester.runpytest_subprocess("--changed")
    assert changed.ret == pytest.ExitCode.USAGE_ERROR
    changed.stderr.fnmatch_lines(["*--changed and --shard are the guide runner's*no [[]tool.guide_runner[]] table*"])

    assert not spies.exists(), spies.read_text()
    after = files_in(pytester.path)
    assert set(after) == set(before)  # test_one.py rewritten in place, nothing added
    assert package_files() == package


def configured(pytester, on_host: bool = False) -> None:
    """The README's project; `on_host`: with run-pages-in = "host" added, so
    its pages run on this machine (the spies prove no Docker call then)."""
    outside_docs(pytester)
    (pytester.path / "pyproject.toml").write_text(PYPROJECT + ('run-pages-in = "host"\n' if on_host else ""))


def test_an_outside_mkdocs_project_runs_every_block_of_both_pages(pytester, spies):
    configured(pytester, on_host=True)
    before, package = files_in(pytester.path), package_files()

    listed = pytester.runpytest_subprocess("--collect-only", "-q")  # pytest's own cache too: as a reader runs it
    assert listed.ret == pytest.ExitCode.OK
    listed.stdout.fnmatch_lines(["docs/getting-started.md::page", "docs/shells.md::bash", "docs/shells.md::sh"])
    assert files_in(pytester.path) == before  # --collect-only writes nothing at all

    run = pytester.runpytest_subprocess("-v", *NO_CACHE)
    assert run.parseoutcomes() == {"passed": 3}, run.stdout.str()
    assert not spies.exists(), spies.read_text()  # docker = false: the engine is never asked
    # No reports configured: none written; the cache (stored passes) only where it is configured.
    written = set(files_in(pytester.path)) - set(before)
    assert all(name.startswith(".cache/guide-runner/") for name in written), written
    assert package_files() == package


def test_an_outside_page_with_a_wrong_output_fails_naming_its_line(pytester, spies):
    configured(pytester, on_host=True)
    page = pytester.path / "docs" / "getting-started.md"
    page.write_text(GETTING_STARTED.replace("hello\n```", "goodbye\n```"))
    run = pytester.runpytest_subprocess(*NO_CACHE)
    assert run.parseoutcomes() == {"failed": 1, "passed": 2}
    run.stdout.fnmatch_lines(["docs/getting-started.md:8 [[]page[]] output differs from the page", "-goodbye", "+hello"])


def test_a_wrong_runner_table_is_a_usage_error_naming_the_key(pytester):
    pytester.makefile(".toml", pyproject='[tool.guide_runner]\ndocs = "docs"\ndoc = "x"\n')
    (pytester.path / "docs").mkdir()
    run = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    assert run.ret == pytest.ExitCode.USAGE_ERROR
    run.stderr.fnmatch_lines(["*[[]tool.guide_runner[]]*unknown key doc (the keys are*"])
    (pytester.path / "docs").rmdir()
    pytester.makefile(".toml", pyproject='[tool.guide_runner]\ndocs = "docs"\n')
    run = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    assert run.ret == pytest.ExitCode.USAGE_ERROR
    run.stderr.fnmatch_lines(["*docs = 'docs': no such folder in*"])


@pytest.mark.docker
def test_the_built_wheel_in_a_fresh_venv_runs_an_outside_project(pytester, tmp_path):
    """As an outside project installs it: the wheel built from guide_runner/,
    in a venv of its own (its dependencies from the package index), the
    README's configuration as it is: each page in a throwaway container."""
    import shutil
    import subprocess
    import sys
    import venv

    # Built from a copy: a build writes build/ beside its sources.
    source = shutil.copytree(Path(guide_runner.__file__).parent, tmp_path / "source",
                             ignore=shutil.ignore_patterns("*.egg-info", "build", "__pycache__"))
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(wheels), str(source)],
                   check=True, timeout=600)
    wheel, = wheels.glob("rowbook_guide_runner-*.whl")
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(wheel)],
                   check=True, timeout=600)
    configured(pytester)
    before = files_in(pytester.path)

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(python), "-m", "pytest", *NO_CACHE, *args], cwd=pytester.path, capture_output=True,
                              text=True, timeout=300)

    listed = run("--collect-only", "-q")
    assert listed.returncode == 0, listed.stdout + listed.stderr
    assert "docs/shells.md::bash" in listed.stdout
    assert files_in(pytester.path) == before
    passed = run()
    assert passed.returncode == 0 and "3 passed" in passed.stdout, passed.stdout + passed.stderr
    page = pytester.path / "docs" / "getting-started.md"
    page.write_text(GETTING_STARTED.replace("hello\n```", "goodbye\n```"))
    failed = run()
    assert failed.returncode == 1 and "docs/getting-started.md:8 [page] output differs from the page" in failed.stdout
    # Only the folder's own cache is new; nothing under the venv's site-packages.
    changed = {name for name, data in files_in(pytester.path).items() if before.get(name) != data}
    assert all(name.startswith(".cache/guide-runner/") for name in changed - {"docs/getting-started.md"}), changed
    site_packages = next((env_dir / "lib").glob("python3*/site-packages/guide_runner"))
    assert not (site_packages / ".cache").exists() and not (site_packages.parent / ".cache").exists()


def test_a_dry_run_prints_what_each_page_would_run_and_runs_nothing(pytester, spies):
    configured(pytester)
    (pytester.path / "docs" / "install.md").write_text(
        '# Install\n\n<!-- test-page: machine="host" -->\n\n```bash\nsudo apt-get install -y cowsay\n```\n\n'
        "```python\nprint('shown only')\n```\n\n"
        '<!-- test: skip="needs a cluster" -->\n```bash\nsudo kubectl apply -f app.yaml\n```\n')
    before = files_in(pytester.path)
    run = pytester.runpytest_subprocess("--dry-run", *NO_CACHE)
    assert run.ret == pytest.ExitCode.OK, run.stdout.str()
    run.stdout.fnmatch_lines([
        "docs/getting-started.md::page: in a throwaway container of debian:bookworm-slim",
        "  docs/getting-started.md:5 * console * runs, compares output: $ mkdir work && cd work (+3 lines)",
        # The page says the host, whatever the project's default.
        "docs/install.md::page: on this machine, in a scratch folder",
        "  docs/install.md:5 * bash * runs [[]sudo[]]: sudo apt-get install -y cowsay",
        "  docs/install.md:9 * python * not run: print('shown only')",
        # A skipped block runs nothing, whatever it holds (sudo here).
        "  docs/install.md:14 * bash * skipped (needs a cluster): sudo kubectl apply -f app.yaml",
        "docs/shells.md::bash: in a throwaway container of debian:bookworm-slim",
    ])
    assert "passed" not in run.stdout.str() and "guide coverage" not in run.stdout.str()
    assert files_in(pytester.path) == before and not spies.exists()


def test_without_docker_a_page_for_a_throwaway_container_fails_naming_the_setting(pytester, spies):
    """The safe default needs Docker; it never falls back to this machine."""
    configured(pytester)
    run = pytester.runpytest_subprocess(*NO_CACHE, "docs/getting-started.md")
    assert run.parseoutcomes() == {"failed": 1}, run.stdout.str()
    run.stdout.fnmatch_lines(["*pages run in a throwaway container unless [[]tool.guide_runner[]] says "
                              'run-pages-in = "host"*no Docker engine that answers*'])


@pytest.mark.docker
def test_a_page_runs_in_a_throwaway_container_by_default_and_on_this_machine_when_it_says_so(pytester, tmp_path):
    """What a page does to / stays in its container; machine="host" runs it here."""
    configured(pytester)
    marker = tmp_path / "written-by-the-page"
    for name, option in (("contained", ""), ("on-host", '<!-- test-page: machine="host" -->\n\n')):
        (pytester.path / "docs" / f"{name}.md").write_text(
            f"# {name}\n\n{option}```bash\nmkdir -p {tmp_path} && touch {marker}-{name}\n```\n\n"
            "```console\n$ id -un\n...\n```\n")
    run = pytester.runpytest_subprocess(*NO_CACHE, "docs/contained.md", "docs/on-host.md")
    assert run.parseoutcomes() == {"passed": 2}, run.stdout.str()
    assert not Path(f"{marker}-contained").exists() and Path(f"{marker}-on-host").exists()
    left = subprocess.run(["docker", "ps", "-aq", "--filter", "label=guide-runner.made=throwaway-container"],
                          capture_output=True, text=True)
    assert left.returncode == 0 and left.stdout == ""  # gone with its scenario


def test_where_pages_run_is_checked_as_the_project_is_loaded(pytester):
    from guide_runner import project

    (pytester.path / "docs").mkdir()
    defaults = project.from_table(pytester.path, {"docs": "docs"})
    assert (defaults.run_pages_in, defaults.sandbox_prefix) == ("container", "guide-runner")  # nothing of Rowbook's
    with pytest.raises(project.ProjectError, match=r"sandbox-prefix must be lowercase letters"):
        project.from_table(pytester.path, {"docs": "docs", "sandbox-prefix": "My Docs"})
    with pytest.raises(project.ProjectError, match=r'run-pages-in must be "container" .* or "host" .*, not \'vm\''):
        project.from_table(pytester.path, {"docs": "docs", "run-pages-in": "vm"})
    with pytest.raises(project.ProjectError, match=r"container-image must name an image with bash"):
        project.from_table(pytester.path, {"docs": "docs", "container-image": ""})
    with pytest.raises(project.ProjectError, match=r"machines\] host is a name of the runner's"):
        project.from_table(pytester.path, {"docs": "docs", "machines": {"host": {"image": "x", "user": "y"}}})


def test_test_servers_are_the_projects_configuration(pytester):
    """A page's machine="NAME" is one of [tool.guide_runner.machines]: the
    runner knows no server of its own, and a wrong entry names the fix."""
    from guide_runner import project
    from guide_runner.machines import Machine, MachineError

    (pytester.path / "docs").mkdir()
    configured_with = project.from_table(pytester.path, {
        "docs": "docs", "machines": {"debian-12": {"image": "example/debian-server:12", "user": "admin"}}})
    previous = project.use(configured_with)
    try:
        machine = Machine("debian-12", "unused", pytester.path)
        assert (machine.spec.image, machine.spec.user) == ("example/debian-server:12", "admin")
        with pytest.raises(MachineError, match=r"unknown machine 'ubuntu-24': \[tool.guide_runner.machines\] "
                                               r"in pyproject.toml names debian-12"):
            Machine("ubuntu-24", "unused", pytester.path)
    finally:
        project.use(previous)
    with pytest.raises(project.ProjectError, match=r"machines\] debian-12 must be \{ image = \"IMAGE\", user"):
        project.from_table(pytester.path, {"docs": "docs", "machines": {"debian-12": {"image": "x"}}})


def test_the_sign_in_page_is_the_projects_configuration(pytester):
    """Outcome checks know the sign-in page by the words the project gives;
    without them, an outcome check fails saying what to set."""
    from guide_runner import project
    from guide_runner.evaluators import Context, GuideFailure, evaluate_outcome
    from guide_runner.page import read_page

    (pytester.path / "docs").mkdir()
    words = {"heading": "Sign in to Example", "signed-in": "Log out", "refused": "Wrong password."}
    configured_with = project.from_table(pytester.path, {"docs": "docs", "sign-in": words})
    assert configured_with.sign_in == project.SignInWords("Sign in to Example", "Log out", "Wrong password.")
    with pytest.raises(project.ProjectError, match=r"sign-in\] must hold heading, signed-in and refused"):
        project.from_table(pytester.path, {"docs": "docs", "sign-in": {"heading": "Sign in"}})

    (pytester.path / "mkdocs.yml").write_text("site_name: Example\n")
    page_file = pytester.path / "docs" / "page.md"
    page_file.write_text("# Page\n\n<!-- test-outcome: url=http://127.0.0.1:9 user=admin password-file=pw -->\n"
                         "You are signed in.\n")
    previous = project.use(project.from_table(pytester.path, {"docs": "docs"}))
    try:
        (outcome,) = [b for b in read_page(page_file).blocks if b.kind == "outcome"]
        with pytest.raises(GuideFailure, match=r"docs/page.md:3: an outcome check signs in, and "
                                               r"\[tool.guide_runner.sign-in\] in pyproject.toml does not say"):
            evaluate_outcome(outcome, Context(session=None, variant=""))
    finally:
        project.use(previous)


def test_lane_images_are_the_projects_choice_and_every_tagged_image_without_one(pytester):
    # Rowbook's label was once built into lanes.py: an outside project's lanes got none of its images.
    from guide_runner import project

    pytester.mkdir("docs")
    assert project.from_table(pytester.path, {"docs": "docs"}).lane_images is None
    chosen = project.from_table(pytester.path, {"docs": "docs", "lane-images": {
        "label": "org.example.inputs", "tags": ["debian:bookworm-slim"]}}).lane_images
    assert chosen == project.LaneImages("org.example.inputs", ("debian:bookworm-slim",))
    assert project.from_table(pytester.path, {"docs": "docs", "lane-images": {"label": "x"}}).lane_images.tags == ()
    for wrong in ({"tags": ["a:b"]}, {"label": ""}, {"label": "x", "tags": "a:b"}, {"label": "x", "other": "y"}):
        with pytest.raises(project.ProjectError, match=r"lane-images\] must be label = \"LABEL\""):
            project.from_table(pytester.path, {"docs": "docs", "lane-images": wrong})
