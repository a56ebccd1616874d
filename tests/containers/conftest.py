"""Fixtures for the container tests: our images, and a Compose project in a
scratch directory the way a reader sets one up (compose.yml + .env)."""

from __future__ import annotations

import secrets
import shutil
import subprocess
from pathlib import Path

import pytest
from pytest_docker.plugin import DockerComposeExecutor, Services

ROOT = Path(__file__).resolve().parents[2]


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
    """A Compose project made from docker/compose.yml, run with pytest-docker's executor."""

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

    @property
    def executor(self) -> DockerComposeExecutor:
        profiles = "".join(f" --profile {p}" for p in self.profiles)
        return DockerComposeExecutor(f"cd {self.directory} && docker compose{profiles}",
                                     str(self.directory / "compose.yml"), self.name)

    def services(self) -> Services:
        return Services(self.executor)

    def up(self) -> None:
        run = self.compose("up", "-d", "--wait", check=False)
        assert run.returncode == 0, run.stderr + self.compose("logs", "--tail", "30", check=False).stdout

    def exec(self, service: str, *command: str) -> str:
        return self.compose("exec", "-T", service, *command).stdout


@pytest.fixture
def project(images, tmp_path, request) -> Project:
    """compose.yml in a scratch directory; `down -v` afterwards, pass or fail."""
    shutil.copy(ROOT / "docker" / "compose.yml", tmp_path / "compose.yml")
    project = Project(tmp_path, f"rbtest-{request.node.name[:30].lower().replace('_', '-')}")
    project.write_env(good_env())
    yield project
    project.profiles = ["proxy"]  # so `down` also removes the proxy profile's containers
    project.compose("down", "-v", "--remove-orphans", check=False)
