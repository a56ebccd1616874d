"""Settings files (ROWBOOK_ENV_FILE or ./.env) are read the way Docker Compose reads .env."""

import json
import os
import subprocess

import pytest
import yaml

from tests.service.rowbook_testkit import INTERNAL_PASSWORD, SECRET_KEY, assert_clean, base_env, run_rowbook


def read(tmp_path, data: bytes):
    from rowbook import config

    path = tmp_path / "rowbook.env"
    path.write_bytes(data)
    return config.gather({"ROWBOOK_ENV_FILE": str(path)})


# (line in the file, the value Compose gives it)
LINES = {
    "plain": ("V=plain-value", "plain-value"),
    "export prefix": ("export V=exported", "exported"),
    "inline comment": ("V=value # a comment", "value"),
    "hash without space": ("V=value#not-a-comment", "value#not-a-comment"),
    "double quotes and comment": ('V="rowbook"  # internal db', "rowbook"),
    "hash inside double quotes": ('V="a # b"', "a # b"),
    "single quotes are literal": ("V='$HOME \\n ${X}'", "$HOME \\n ${X}"),
    "escaped single quote": ("V='Let\\'s go'", "Let's go"),
    "double quote escapes": ('V="tab\\there \\"q\\" \\\\"', 'tab\there "q" \\'),
    "dollar is never expanded": ("V=pa$$word${HOME}", "pa$$word${HOME}"),
    "spaces around": ("  V =  spaced  ", "spaced"),
    "empty after comment": ("V= # nothing", ""),
}


# Where Rowbook's reader gives another value than Compose, on purpose.
NOT_AS_COMPOSE = {
    # Compose expands $NAME and ${NAME} from the shell and turns $$ into $;
    # Rowbook keeps every $, so a password with a $ in it stays whole.
    "dollar is never expanded": "pa$word" + os.environ["HOME"],
    # Compose (2.26) takes "# nothing" for the value: only a # after a space
    # that follows a value starts its comments. Rowbook reads an empty value.
    "empty after comment": "# nothing",
}


def values_compose_gives(tmp_path, lines: list[str]) -> dict[str, str]:
    """The values `docker compose config` gives V0, V1, ... set by these lines
    of a .env (with a byte order mark and CRLF line ends, as Windows editors
    write it), interpolated into a service's environment."""
    names = [f"V{i}" for i in range(len(lines))]
    (tmp_path / ".env").write_bytes(("\ufeff" + "".join(
        line.replace("V", name, 1) + "\r\n" for name, line in zip(names, lines))).encode())
    (tmp_path / "compose.yml").write_text(yaml.safe_dump(
        {"services": {"s": {"image": "x", "environment": {n: f"${{{n}}}" for n in names}}}}))
    run = subprocess.run(["docker", "compose", "config", "--format", "json"], cwd=tmp_path,
                         capture_output=True, text=True, check=True)
    environment = json.loads(run.stdout)["services"]["s"]["environment"]
    # config prints a file Compose can read again: every $ of a value doubled.
    return {name: environment[name].replace("$$", "$") for name in names}


def test_the_table_is_what_compose_really_gives(tmp_path):
    """Each line of LINES through the Compose installed here: the value it
    gives is the one the table says, except where NOT_AS_COMPOSE says why not."""
    cases = list(LINES)
    given = values_compose_gives(tmp_path, [LINES[case][0] for case in cases])
    got = {case: given[f"V{i}"] for i, case in enumerate(cases)}
    expected = {case: NOT_AS_COMPOSE.get(case, LINES[case][1]) for case in cases}
    assert got == expected


@pytest.mark.parametrize("case", list(LINES), ids=list(LINES))
def test_line_reads_as_compose_reads_it(tmp_path, case):
    line, expected = LINES[case]
    values, problems = read(tmp_path, f"{line}\n".encode())
    assert problems == []
    assert values["V"] == expected


def test_byte_order_mark_and_crlf(tmp_path):
    values, problems = read(tmp_path, b"\xef\xbb\xbfFIRST=1\r\nSECOND='two'\r\nTHIRD=\"3\"\r\n")
    assert problems == []
    assert (values["FIRST"], values["SECOND"], values["THIRD"]) == ("1", "two", "3")


def test_unreadable_lines_named_by_number_without_their_text(tmp_path):
    path = tmp_path / "rowbook.env"
    values, problems = read(tmp_path, (
        "# settings\n"
        "GOOD=1\n"
        "\n"
        "\n"
        "POSTGRES_PASSWORD=\"unterminated-Secret-9\n"  # line 5
        "half of a-Secret-key\n"                        # line 6
        "wrapped-Secret-half\n"                         # line 7: a name without "="
        "LAST=ok\n").encode())
    assert values["GOOD"] == "1" and values["LAST"] == "ok"
    assert problems == [f"{path}:{n}: cannot read this line; expected NAME=value."
                        for n in (5, 6, 7)]
    assert "Secret" not in " ".join(problems)


def test_dotenv_file_end_to_end(pg, internal_db, tmp_path):
    """A .env with a BOM, CRLF, export, quotes and inline comments, as Compose accepts it."""
    env = base_env(pg, internal_db)
    for name in ("SECRET_KEY", "POSTGRES_PASSWORD", "POSTGRES_DB", "DOMAIN_NAME"):
        del env[name]
    (tmp_path / ".env").write_bytes((
        "\ufeffSECRET_KEY='" + SECRET_KEY + "'\r\n"
        "# the internal database\r\n"
        f'export POSTGRES_DB="{internal_db}"  # internal db\r\n'
        f"POSTGRES_PASSWORD={INTERNAL_PASSWORD} # rowbook's role\r\n"
        "DOMAIN_NAME=rowbook.example.com\r\n").encode())
    assert run_rowbook(["migrate"], env, cwd=tmp_path).returncode == 0
    out = run_rowbook(["check"], env, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert f'rowbook: ok: internal database "{internal_db}"' in out.stdout
    assert_clean(out.stdout + out.stderr)


def test_unreadable_env_file(pg, tmp_path):
    out = run_rowbook(["check"], base_env(pg, "postgres", ROWBOOK_ENV_FILE=str(tmp_path)))
    assert out.returncode == 2
    assert (f'rowbook: error: ROWBOOK_ENV_FILE is "{tmp_path}", but that is a directory, not a '
            "file.") in out.stderr.splitlines()
