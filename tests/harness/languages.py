"""Which fenced-block languages the runner knows, and what it does with each."""

SHELL = {"bash", "sh", "shell"}
CONSOLE = {"console"}
# Config languages: written to disk when the block has a title, and checked.
CONFIG = {"yaml", "yml", "dotenv", "env", "ini", "systemd", "caddyfile", "caddy", "toml", "json", "dockerfile"}


def kind_of(language: str) -> str:
    language = language.lower()
    if language in SHELL:
        return "shell"
    if language in CONSOLE:
        return "console"
    if language in CONFIG:
        return "config"
    return "unknown"
