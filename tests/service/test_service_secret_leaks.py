"""Property: no 4-character fragment of a secret shows up in any configuration message.

Hypothesis makes secrets from awkward characters (@ : / ? # % ' " $ \\ space,
unicode, newlines where a newline can be part of the value) and feeds each one
through every secret setting, NAME_FILE, the dotenv reader and the database URL
parser, on their success and error paths.

A fragment that Rowbook prints for any secret (message wording, paths, numbers)
is not a leak: such fragments are collected first, from the same scenarios run
with placeholder secrets, and from Rowbook's source.
"""

import os
from pathlib import Path
from urllib.parse import quote

import pytest
from hypothesis import given, settings, strategies as st

from rowbook import config

FRAGMENT = 4
PLACEHOLDER = "\ue000"  # never generated: stands for a secret in the vocabulary runs
AWKWARD = list("@:/?#%'\"$\\ ,=&;`!*") + ["\n", "é", "ß", "Ж", "中", "😀", "\u00a0"]
secrets_text = st.text(
    st.one_of(st.sampled_from(AWKWARD),
              st.characters(codec="utf-8", exclude_characters="\x00" + PLACEHOLDER)),
    min_size=FRAGMENT, max_size=40)
URLS = (  # each one takes the password through another path of the parser
    "postgresql://reader:{}@db.example:5432/shop",
    "mysql://reader:{}@db.example/shop",
    "postgresql://reader:{}@db.example:54x32/shop",
    "postgresql://reader:{}@/shop",
    "postgresql://reader:{}@db.example:5432/",
    "postgresql://:{}@db.example/shop",
)
SECRET_VARS = [v for v in config.VARIABLES if v.secret]
LEAK_SETTINGS = settings(max_examples=200, deadline=None)


def fragments(text: str) -> set[str]:
    return {text[i:i + FRAGMENT] for i in range(len(text) - FRAGMENT + 1)}


def no_newline(secret: str) -> str:
    """The secret where a newline would end the value: there, it cannot hold one."""
    return secret.replace("\r", " ").replace("\n", " ")


def double_quoted(secret: str) -> str:
    escaped = secret.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + escaped.replace("\r", "\\r").replace("\n", "\\n") + '"'


def single_quoted(secret: str) -> str:
    return "'" + secret.replace("\\", "\\\\").replace("'", "\\'") + "'"


class Scenarios:
    """Every way a secret reaches config.load(); each yields what Rowbook would print."""

    def __init__(self, workdir: Path):
        self.dir = workdir
        self.missing = str(workdir / "missing-file")
        self.empty_env = str(workdir / "empty.env")
        Path(self.empty_env).write_text("")

    def load(self, environ: dict) -> str:
        result = config.load({"ROWBOOK_ENV_FILE": self.empty_env, **environ})
        return "\n".join(result.problems + result.warnings)

    def file(self, name: str, content: str) -> str:
        path = self.dir / name
        path.write_bytes(content.encode("utf-8"))
        return str(path)

    def env_file(self, text: str) -> str:
        return self.load({"ROWBOOK_ENV_FILE": self.file("rowbook.env", text)})

    def run(self, secret: str):
        for var in SECRET_VARS:
            yield self.load({var.name: secret})
            yield self.load({var.name: secret, var.file_variable: self.missing})
            path = self.file(var.name.lower(), secret + "\n")
            yield self.load({var.file_variable: path})
            yield self.load({var.name: secret, var.file_variable: path})
        yield self.load({"SECRET_KEY": "django-insecure-" + secret})
        yield self.load({"SECRET_KEY_FALLBACKS": f"an-old-key,{secret},another-old-key"})
        for url in URLS:
            for password in (secret, quote(secret, safe="")):
                yield self.load({"ROWBOOK_USER_DATABASE_URL": url.format(password)})
        line = no_newline(secret)
        for text in (f"SECRET_KEY={double_quoted(secret)}\n",
                     f"SECRET_KEY={single_quoted(secret)}\n",
                     f"SECRET_KEY={line}\n",
                     f'SECRET_KEY="{line}\nDOMAIN_NAME=x\n',   # unterminated quote
                     f"POSTGRES_PASSWORD {line}\n",           # no "="
                     f"{line}\n",                             # a value alone on its line
                     f"DOMAIN_NAME=x\n{line}={line}\n"):
            yield self.env_file(text)


@pytest.fixture(scope="module")
def scenarios(tmp_path_factory):
    return Scenarios(tmp_path_factory.mktemp("secret-leaks"))


@pytest.fixture(scope="module")
def vocabulary(scenarios):
    """Fragments Rowbook prints whatever the secret is: its wording, paths, lengths."""
    source = "".join(p.read_text() for p in Path(config.__file__).parent.glob("*.py"))
    words = fragments(source) | fragments(str(scenarios.dir)) | fragments(os.devnull)
    placeholders = [PLACEHOLDER * n for n in range(1, 65)]
    placeholders += [PLACEHOLDER + c + PLACEHOLDER * 3 for c in "@/?# %\n"]
    for placeholder in placeholders:
        for output in scenarios.run(placeholder):
            words |= fragments(output)
    return words


def leaks(secret: str, output: str, vocabulary: set[str]) -> set[str]:
    shown = {f for f in fragments(secret) | fragments(quote(secret, safe="")) if f in output}
    return shown - vocabulary


@LEAK_SETTINGS
@given(secret=secrets_text)
def test_no_secret_fragment_in_any_message(scenarios, vocabulary, secret):
    for output in scenarios.run(secret):
        assert not leaks(secret, output, vocabulary), output


@LEAK_SETTINGS
@given(secret=secrets_text)
def test_quoted_secrets_read_back_unchanged(scenarios, secret):
    """Quoted as Compose documents it, any secret comes back exactly from a dotenv file."""
    for quoted in (double_quoted(secret), single_quoted(secret)):
        values, problems = config.gather({"ROWBOOK_ENV_FILE": scenarios.file(
            "quoted.env", f"SECRET_KEY={quoted}\n")})
        assert problems == []
        assert values["SECRET_KEY"] == secret


@LEAK_SETTINGS
@given(secret=secrets_text)
def test_secret_files_read_back_unchanged(scenarios, secret):
    """NAME_FILE gives the file's content less one trailing newline (\n or \r\n) and a
    byte order mark, for every secret."""
    expected = secret.removeprefix("\ufeff").removesuffix("\r")
    path = scenarios.file("secret", secret + "\n")
    for var in SECRET_VARS:
        raw, problem, _ending = config.raw_secret(var, {var.file_variable: path})
        if expected.strip():
            assert (raw, problem) == (expected, "")
        else:
            assert problem == (f'{var.file_variable} is "{path}", but that file is empty. Set '
                               f"{var.file_variable} to the path of a file that holds "
                               f"{var.name}, or set {var.name} instead.")
