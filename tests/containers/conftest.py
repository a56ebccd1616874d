"""Fixtures for the container tests: our images, and Compose projects in a
scratch directory the way a reader sets one up (compose.yml + .env).

Tests that only look at a healthy default stack share one per module, run by
pytest-docker (`docker_services`, here for one module, so it is gone before
the guides run, which publish the same ports). Tests that change .env,
profiles or volumes get a project of their own.
"""

from __future__ import annotations

import json
import secrets
import shutil
import subprocess
import urllib.request
from pathlib import Path

import pytest
from docs_site.paths import ROOT
from pytest_docker.plugin import get_docker_services


HERE = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test here starts containers: `-m "not docker"` (the fast tests) leaves them out."""
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.docker)


def docker(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(["docker", *args], capture_output=True, text=True, check=check)


@pytest.fixture(scope="session")
def images() -> None:
    """Build our images (cached: a no-op when they exist)."""
    subprocess.run([str(ROOT / "scripts" / "build-images.sh")], check=True, capture_output=True)


def good_env(**overrides: str) -> dict[str, str]:
    env = {
        "DOMAIN_NAME": "rowbook.localhost",
        "SECRET_KEY": secrets.token_hex(32),
        "POSTGRES_USER": "rowbook",
        "POSTGRES_PASSWORD": secrets.token_hex(32),
        "POSTGRES_DB": "rowbook",
    }
    env.update(overrides)
    return env


class Project:
    """A Compose project made from docker/compose.yml in a scratch directory."""

    def __init__(self, directory: Path, name: str):
        self.directory = directory
        self.name = name
        self.profiles: list[str] = []

    def write_env(self, env: dict[str, str]) -> None:
        (self.directory / ".env").write_text("".join(f"{k}={v}\n" for k, v in env.items()))

    def compose(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        profiles = [arg for p in self.profiles for arg in ("--profile", p)]
        return subprocess.run(["docker", "compose", "-p", self.name, *profiles, *args], cwd=self.directory,
                              capture_output=True, text=True, check=check)

    def up(self) -> None:
        run = self.compose("up", "-d", "--wait", check=False)
        assert run.returncode == 0, run.stderr + self.compose("logs", "--tail", "30", check=False).stdout

    def exec(self, service: str, *command: str) -> str:
        return self.compose("exec", "-T", service, *command).stdout


def published_ports(project) -> dict[str, list[str]]:
    ports = {}
    for line in project.compose("ps", "--format", "json").stdout.splitlines():
        for entry in json.loads(line) if line.startswith("[") else [json.loads(line)]:
            ports[entry["Service"]] = sorted({
                f"{p['URL']}:{p['PublishedPort']}" for p in entry.get("Publishers") or [] if p.get("PublishedPort")
            })
    return ports


def get(url: str, **kwargs) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=10, **kwargs) as response:
        return response.status, response.read().decode()


@pytest.fixture
def project(images, tmp_path, request) -> Project:
    """compose.yml in a scratch directory; `down -v` afterwards, pass or fail."""
    shutil.copy(ROOT / "docker" / "compose.yml", tmp_path / "compose.yml")
    shutil.copy(ROOT / "docker" / "Caddyfile", tmp_path / "Caddyfile")
    project = Project(tmp_path, f"rbtest-{request.node.name[:30].lower().replace('_', '-')}")
    project.write_env(good_env())
    yield project
    project.profiles = ["proxy"]  # so `down` also removes the proxy profile's containers
    project.compose("down", "-v", "--remove-orphans", check=False)


# pytest-docker: one default stack (Rowbook + PostgreSQL) for a module's read-only checks.
@pytest.fixture(scope="module")
def docker_compose_file(images, tmp_path_factory) -> str:
    directory = tmp_path_factory.mktemp("default-stack")
    shutil.copy(ROOT / "docker" / "compose.yml", directory / "compose.yml")
    shutil.copy(ROOT / "docker" / "Caddyfile", directory / "Caddyfile")
    Project(directory, "").write_env(good_env())
    return str(directory / "compose.yml")


@pytest.fixture(scope="module")
def docker_compose_project_name() -> str:
    return "rbtest-default-stack"


@pytest.fixture(scope="module")
def docker_setup() -> list[str]:
    return ["up -d --wait"]


@pytest.fixture(scope="module")
def docker_cleanup() -> list[str]:
    return ["down -v --remove-orphans"]


@pytest.fixture(scope="module")
def docker_services(docker_compose_command, docker_compose_file, docker_compose_project_name, docker_setup,
                    docker_cleanup):
    """pytest-docker's own, for one module: its default is one stack per session,
    which would still hold the published ports when the guides run. (Its
    --container-scope option would do it from addopts, but then pytest could
    not start in a venv without pytest-docker.)"""
    with get_docker_services(docker_compose_command, docker_compose_file, docker_compose_project_name,
                             docker_setup, docker_cleanup) as services:
        yield services


@pytest.fixture(scope="module")
def default_stack(docker_services, docker_compose_file, docker_compose_project_name) -> Project:
    """The default stack, up and answering on http://127.0.0.1:8000/healthz."""
    docker_services.wait_until_responsive(check=_healthy, timeout=60.0, pause=0.5)
    return Project(Path(docker_compose_file).parent, docker_compose_project_name)


def _healthy() -> bool:
    try:
        with urllib.request.urlopen("http://127.0.0.1:8000/healthz", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False
