"""Check config blocks: each must at least parse, with the real tool where there is one."""

from __future__ import annotations

import configparser
import json
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import yaml

# scripts/setup.sh unpacks Debian's caddy here, to check Caddyfiles with it.
CADDY = Path(__file__).resolve().parents[2] / ".cache" / "tools" / "caddy"
_DOTENV_LINE = re.compile(r"^(?:export\s+)?[A-Za-z_][A-Za-z0-9_]*=.*$")
_UNIT_LINE = re.compile(r"^(?:\[[A-Za-z][A-Za-z0-9 ._-]*\]|[A-Za-z][A-Za-z0-9]*\s*=.*)$")


def is_compose_file(name: str | None, data) -> bool:
    if name and re.search(r"(^|/)(docker-)?compose[\w.-]*\.ya?ml$", name):
        return True
    return isinstance(data, dict) and isinstance(data.get("services"), dict)


def check(language: str, source: str, path: Path | None, env: dict[str, str], cwd: Path) -> str:
    """Raise ValueError with the reason when the block is not valid. Returns
    how it was checked, for the report."""
    language = language.lower()
    if language in ("yaml", "yml"):
        documents = list(yaml.safe_load_all(source))
        if path is not None and is_compose_file(path.name, documents[0] if documents else None):
            run = subprocess.run(["docker", "compose", "-f", str(path), "config", "--quiet"],
                                 cwd=cwd, env=env, capture_output=True, text=True)
            if run.returncode:
                raise ValueError(f"docker compose config rejected it:\n{run.stderr.strip()}")
            return "docker compose config"
        return "YAML parser"
    if language in ("dotenv", "env"):
        for number, line in enumerate(source.splitlines(), 1):
            if line.strip() and not line.lstrip().startswith("#") and not _DOTENV_LINE.match(line.strip()):
                raise ValueError(f"line {number} is not NAME=value: {line!r}")
        return "NAME=value lines"
    if language == "ini":
        configparser.ConfigParser(strict=False, interpolation=None).read_string(source)
        return "INI parser"
    if language == "systemd":
        for number, line in enumerate(_join_continued(source), 1):
            if line.strip() and not line.lstrip().startswith(("#", ";")) and not _UNIT_LINE.match(line.strip()):
                raise ValueError(f"line {number} is neither [Section] nor Key=Value: {line!r}")
        if path is not None and shutil.which("systemd-analyze"):
            run = subprocess.run(["systemd-analyze", "verify", "--man=no", str(path)], capture_output=True, text=True)
            if "Failed to" in run.stderr or "Unknown" in run.stderr:
                raise ValueError(f"systemd-analyze verify:\n{run.stderr.strip()}")
            return "systemd-analyze verify"
        return "unit file syntax"
    if language in ("caddyfile", "caddy"):
        caddy = CADDY if CADDY.exists() else shutil.which("caddy")
        if not caddy:
            raise ValueError("caddy is not installed on this machine: run scripts/setup.sh")
        target = path
        if target is None:
            target = cwd / ".runner-Caddyfile"
            target.write_text(source)
        run = subprocess.run([str(caddy), "adapt", "--config", str(target), "--adapter", "caddyfile"],
                             capture_output=True, text=True, env=env)
        if run.returncode:
            raise ValueError(f"caddy adapt rejected it:\n{run.stderr.strip()}")
        return "caddy adapt"
    if language == "toml":
        tomllib.loads(source)
        return "TOML parser"
    if language == "json":
        json.loads(source)
        return "JSON parser"
    if language == "dockerfile":
        first = next((l for l in source.splitlines() if l.strip() and not l.startswith("#")), "")
        if not re.match(r"(?i)^(FROM|ARG)\s", first):
            raise ValueError("a Dockerfile must start with FROM (or ARG)")
        return "Dockerfile syntax"
    raise ValueError(f"no checker for language {language!r}")


def _join_continued(source: str) -> list[str]:
    lines, current = [], ""
    for line in source.splitlines():
        current += line.rstrip("\\") if line.endswith("\\") else line
        if not line.endswith("\\"):
            lines.append(current)
            current = ""
    return lines
