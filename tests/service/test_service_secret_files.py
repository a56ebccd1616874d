"""Secrets from files (NAME_FILE, as the official Docker images and Docker/systemd
secrets do), via the real `rowbook` command against the real PostgreSQL."""

import os

import pytest

from tests.service.rowbook_testkit import INTERNAL_PASSWORD, SECRET_KEY, assert_clean, base_env, run_rowbook

FIX = "Set POSTGRES_PASSWORD_FILE to the path of a file that holds POSTGRES_PASSWORD, or set " \
      "POSTGRES_PASSWORD instead."


def secret_file(tmp_path, name, content):
    path = tmp_path / name
    path.write_text(content)
    return str(path)


def check(pg, db, **overrides):
    out = run_rowbook(["check"], base_env(pg, db, **overrides))
    assert_clean(out.stdout + out.stderr)
    return out


def test_every_secret_and_only_secrets_accept_a_file():
    from rowbook import config

    for var in config.VARIABLES:
        assert var.file_variable == (f"{var.name}_FILE" if var.secret else ""), var.name
    assert {v.name for v in config.VARIABLES if v.secret} >= {"SECRET_KEY", "POSTGRES_PASSWORD"}


def test_secrets_from_files_end_to_end(pg, internal_db, tmp_path):
    env = base_env(pg, internal_db, SECRET_KEY=None, POSTGRES_PASSWORD=None,
                   SECRET_KEY_FILE=secret_file(tmp_path, "key", SECRET_KEY + "\n"),
                   POSTGRES_PASSWORD_FILE=secret_file(tmp_path, "pw", INTERNAL_PASSWORD + "\n"))
    assert run_rowbook(["migrate"], env).returncode == 0
    out = run_rowbook(["check"], env)
    assert out.returncode == 0, out.stderr
    assert f'rowbook: ok: internal database "{internal_db}"' in out.stdout
    assert "rowbook: ok: Django system checks passed" in out.stdout
    assert_clean(out.stdout + out.stderr)
    assert SECRET_KEY not in out.stdout + out.stderr


def test_only_one_trailing_newline_is_dropped(tmp_path):
    from rowbook import config

    base = {"ROWBOOK_ENV_FILE": os.devnull}
    for content, expected in [("pw-1\n", "pw-1"), ("pw-2\r\n", "pw-2"), ("pw-3", "pw-3"),
                              ("pw-4\n\n", "pw-4\n"), (" pw 5 \n", " pw 5 "),
                              ("\ufeffpw-6\n", "pw-6")]:
        path = secret_file(tmp_path, "pw", content)
        values = config.load({**base, "POSTGRES_PASSWORD_FILE": path}).values
        assert values["POSTGRES_PASSWORD"] == expected, repr(content)


def test_both_set(pg, tmp_path):
    out = check(pg, "postgres",
                POSTGRES_PASSWORD_FILE=secret_file(tmp_path, "pw", INTERNAL_PASSWORD))
    assert out.returncode == 2
    assert ("rowbook: error: POSTGRES_PASSWORD and POSTGRES_PASSWORD_FILE are both set; set only "
            "one: POSTGRES_PASSWORD_FILE to read POSTGRES_PASSWORD from that file (a Docker "
            "secret), or POSTGRES_PASSWORD itself.") in out.stderr.splitlines()


def test_neither_set_names_the_file_alternative(pg):
    out = check(pg, "postgres", POSTGRES_PASSWORD=None, SECRET_KEY=None)
    assert out.returncode == 2
    lines = out.stderr.splitlines()
    assert ("rowbook: error: POSTGRES_PASSWORD is not set. Password of POSTGRES_USER. Example: "
            "POSTGRES_PASSWORD=a-long-random-password (or set POSTGRES_PASSWORD_FILE to the path "
            "of a file that holds it)") in lines
    assert ('rowbook: error: SECRET_KEY is not set. Set it to a long random string, for example '
            'the output of: python3 -c "import secrets; print(secrets.token_urlsafe(50))" (or set '
            'SECRET_KEY_FILE to the path of a file that holds it)') in lines


def test_missing_file(pg, tmp_path):
    path = tmp_path / "no-such-file"
    out = check(pg, "postgres", POSTGRES_PASSWORD=None, POSTGRES_PASSWORD_FILE=str(path))
    assert out.returncode == 2
    assert (f'rowbook: error: POSTGRES_PASSWORD_FILE is "{path}", but that file does not exist. '
            f"{FIX}") in out.stderr.splitlines()


def test_unreadable_file(pg, tmp_path):
    if os.geteuid() == 0:
        # Root reads a chmod 000 file all the same: a directory is unreadable as a file for anyone.
        path, why = tmp_path, "that is a directory, not a file"
    else:
        path, why = tmp_path / "pw", "that file cannot be read (permission denied)"
        path.write_text(INTERNAL_PASSWORD)
        path.chmod(0)
    out = check(pg, "postgres", POSTGRES_PASSWORD=None, POSTGRES_PASSWORD_FILE=str(path))
    assert out.returncode == 2
    assert f'rowbook: error: POSTGRES_PASSWORD_FILE is "{path}", but {why}. {FIX}' \
        in out.stderr.splitlines()


@pytest.mark.parametrize("content, why", [("", "that file is empty"),
                                          ("\n", "that file is empty"),
                                          (b"\xff\xfe-not-utf8", "that file is not UTF-8 text")])
def test_empty_or_binary_file(pg, tmp_path, content, why):
    path = tmp_path / "key"
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    out = check(pg, "postgres", SECRET_KEY=None, SECRET_KEY_FILE=str(path))
    assert out.returncode == 2
    assert (f'rowbook: error: SECRET_KEY_FILE is "{path}", but {why}. Set SECRET_KEY_FILE to '
            "the path of a file that holds SECRET_KEY, or set SECRET_KEY instead.") \
        in out.stderr.splitlines()


@pytest.mark.parametrize("ending, said", [
    ("\n\n", "ends with 2 newlines"),
    (" \n", "ends with a space, then a newline"),
    ("\t\r\n", "ends with a tab, then a carriage return, then a newline"),
])
def test_a_refused_password_from_a_file_with_a_stray_ending_names_the_file_not_the_volume(pg, internal_db,
                                                                                          tmp_path, ending, said):
    """Issue #40: a password file as editors write it must not lead to `docker compose down -v`."""
    path = secret_file(tmp_path, "pw", INTERNAL_PASSWORD + ending)
    out = check(pg, internal_db, POSTGRES_PASSWORD=None, POSTGRES_PASSWORD_FILE=path,
                ROWBOOK_INSTALL_METHOD="compose")
    assert out.returncode == 2
    assert f'POSTGRES_PASSWORD_FILE "{path}" {said}.' in out.stderr
    assert "printf '%s\\n' 'PASSWORD' >" in out.stderr and "ALTER ROLE" in out.stderr
    assert "down -v" not in out.stderr and "earlier install" not in out.stderr
    assert INTERNAL_PASSWORD not in out.stdout + out.stderr


def test_a_refused_password_from_a_plain_file_keeps_the_volume_advice(pg, internal_db, tmp_path):
    path = secret_file(tmp_path, "pw", "not-the-password\n")
    out = check(pg, internal_db, POSTGRES_PASSWORD=None, POSTGRES_PASSWORD_FILE=path,
                ROWBOOK_INSTALL_METHOD="compose")
    assert out.returncode == 2
    assert "earlier install" in out.stderr and "ends with" not in out.stderr


def test_a_windows_line_ending_is_dropped_and_the_password_accepted(pg, internal_db, tmp_path):
    path = secret_file(tmp_path, "pw", INTERNAL_PASSWORD + "\r\n")
    out = check(pg, internal_db, POSTGRES_PASSWORD=None, POSTGRES_PASSWORD_FILE=path)
    assert out.returncode == 0, out.stderr
