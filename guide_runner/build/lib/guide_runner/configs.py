"""Check config blocks: each must at least parse, with the real tool where there is one.

CHECKERS maps a fence language to its checker; the runner knows a language
as a config language by its entry here (languages.py).
"""

from __future__ import annotations

import configparser
import json
import re
import shutil
import subprocess
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import yaml

from .project import current

_DOTENV_LINE = re.compile(r"^(?:export\s+)?[A-Za-z_][A-Za-z0-9_]*=.*$")
_UNIT_LINE = re.compile(r"^(?:\[[A-Za-z][A-Za-z0-9 ._-]*\]|[A-Za-z][A-Za-z0-9]*\s*=.*)$")


@dataclass(frozen=True)
class ConfigBlock:
    """A config block as a checker sees it."""

    source: str
    path: Path | None  # the file written from the block, if it was
    env: dict[str, str]
    cwd: Path


def is_compose_file(name: str | None, data) -> bool:
    if name and re.search(r"(^|/)(docker-)?compose[\w.-]*\.ya?ml$", name):
        return True
    return isinstance(data, dict) and isinstance(data.get("services"), dict)


def is_override_file(name: str) -> bool:
    """compose.NAME.yml: read on top of the compose.yml beside it (compose.override.yml
    by Compose in every command, another one through -f or COMPOSE_FILE)."""
    return re.fullmatch(r"(docker-)?compose\.[\w-]+\.ya?ml", name) is not None


class ComposeLoader(yaml.SafeLoader):
    """YAML with Compose's merge tags: `!reset` (drop the value of the file
    below) and `!override` (replace it instead of merging)."""


for _tag in ("!reset", "!override"):
    ComposeLoader.add_constructor(_tag, lambda loader, node: (
        loader.construct_sequence(node) if isinstance(node, yaml.SequenceNode)
        else loader.construct_mapping(node) if isinstance(node, yaml.MappingNode)
        else loader.construct_scalar(node)))


class AnyTagLoader(ComposeLoader):
    """YAML whose tags belong to the program that reads the file, not to YAML:
    MkDocs' `!ENV [NAME, default]`, `!relative`, `!!python/name:module.thing`.
    A tag's value is read as the plain value under it: the file must still be
    YAML, and Compose files are checked by Compose itself (below)."""


def _value_under_tag(loader, suffix, node):
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node)
    return loader.construct_scalar(node)


AnyTagLoader.add_multi_constructor("!", _value_under_tag)
AnyTagLoader.add_multi_constructor("tag:yaml.org,2002:python/", _value_under_tag)


def check_yaml(block: ConfigBlock) -> str:
    documents = list(yaml.load_all(block.source, Loader=AnyTagLoader))
    if block.path is not None and is_compose_file(block.path.name, documents[0] if documents else None):
        files = ["-f", str(block.path)]
        if is_override_file(block.path.name):  # checked as Compose reads it: on top of compose.yml
            base = next((block.path.parent / name for name in ("compose.yml", "compose.yaml", "docker-compose.yml")
                         if (block.path.parent / name).exists()), None)
            if base is None:
                raise ValueError(f"{block.path.name} goes on top of a compose.yml, and there is none beside it")
            files = ["-f", str(base), *files]
        run = subprocess.run(["docker", "compose", *files, "config", "--quiet"],
                             cwd=block.path.parent, env=block.env, capture_output=True, text=True)
        if run.returncode:
            raise ValueError(f"docker compose config rejected it:\n{run.stderr.strip()}")
        return "docker compose config" + (f" on top of {files[1].rsplit('/', 1)[-1]}" if len(files) > 2 else "")
    return "YAML parser"


def check_dotenv(block: ConfigBlock) -> str:
    for number, line in enumerate(block.source.splitlines(), 1):
        if line.strip() and not line.lstrip().startswith("#") and not _DOTENV_LINE.match(line.strip()):
            raise ValueError(f"line {number} is not NAME=value: {line!r}")
    return "NAME=value lines"


def check_ini(block: ConfigBlock) -> str:
    configparser.ConfigParser(strict=False, interpolation=None).read_string(block.source)
    return "INI parser"


def check_systemd(block: ConfigBlock) -> str:
    for number, line in enumerate(_join_continued(block.source), 1):
        if line.strip() and not line.lstrip().startswith(("#", ";")) and not _UNIT_LINE.match(line.strip()):
            raise ValueError(f"line {number} is neither [Section] nor Key=Value: {line!r}")
    if block.path is not None and shutil.which("systemd-analyze"):
        run = subprocess.run(["systemd-analyze", "verify", "--man=no", str(block.path)], capture_output=True, text=True)
        if "Failed to" in run.stderr or "Unknown" in run.stderr:
            raise ValueError(f"systemd-analyze verify:\n{run.stderr.strip()}")
        return "systemd-analyze verify"
    return "unit file syntax"


def check_caddyfile(block: ConfigBlock) -> str:
    unpacked = current().tools / "caddy"  # a project may unpack one for the runner
    caddy = unpacked if unpacked.exists() else shutil.which("caddy")
    if not caddy:
        raise ValueError(f"caddy is not installed on this machine (checked PATH and {unpacked}): install it to check Caddyfiles")
    target = block.path
    if target is None:
        target = block.cwd / ".runner-Caddyfile"
        target.write_text(block.source)
    # A variable the file reads ({$DOMAIN_NAME}) comes from where Caddy runs (Compose
    # passes it from .env), not from the page's shell: a stand-in lets the syntax be checked.
    unset = sorted(set(re.findall(r"\{\$([A-Za-z_][A-Za-z0-9_]*)", block.source)) - set(block.env))
    env = {**block.env, **{name: "example.com" for name in unset}}
    run = subprocess.run([str(caddy), "adapt", "--config", str(target), "--adapter", "caddyfile"],
                         capture_output=True, text=True, env=env)
    if run.returncode:
        raise ValueError(f"caddy adapt rejected it:\n{run.stderr.strip()}")
    return "caddy adapt" + (f" ({', '.join(unset)}=example.com)" if unset else "")


def check_toml(block: ConfigBlock) -> str:
    tomllib.loads(block.source)
    return "TOML parser"


def check_json(block: ConfigBlock) -> str:
    json.loads(block.source)
    return "JSON parser"


def check_dockerfile(block: ConfigBlock) -> str:
    first = next((line for line in block.source.splitlines() if line.strip() and not line.startswith("#")), "")
    if not re.match(r"(?i)^(FROM|ARG)\s", first):
        raise ValueError("a Dockerfile must start with FROM (or ARG)")
    return "Dockerfile syntax"


# Each returns how it checked the block, for the report, or raises with why it is not valid.
CHECKERS: dict[str, Callable[[ConfigBlock], str]] = {
    "yaml": check_yaml, "yml": check_yaml,
    "dotenv": check_dotenv, "env": check_dotenv,
    "ini": check_ini,
    "systemd": check_systemd,
    "caddyfile": check_caddyfile, "caddy": check_caddyfile,
    "toml": check_toml,
    "json": check_json,
    "dockerfile": check_dockerfile,
}


def check(language: str, block: ConfigBlock) -> str:
    checker = CHECKERS.get(language.lower())
    if checker is None:
        raise ValueError(f"no checker for language {language!r}")
    return checker(block)


def _join_continued(source: str) -> list[str]:
    lines, current = [], ""
    for line in source.splitlines():
        current += line.rstrip("\\") if line.endswith("\\") else line
        if not line.endswith("\\"):
            lines.append(current)
            current = ""
    return lines
