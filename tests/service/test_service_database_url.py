"""A database URL whose password holds characters that URLs reserve: the message says how
to percent-encode it and never shows any part of it; encoded, it works."""

from urllib.parse import quote

from psycopg import sql

from tests.service.rowbook_testkit import assert_clean, base_env, run_rowbook

ODD_USER, ODD_PASSWORD = "odd_reader", "p@ss/w#rd?x y%z"
HINT = ("the password (or user name) holds a character that URLs reserve. Percent-encode it: @ as "
        "%40, : as %3A, / as %2F, ? as %3F, # as %23, % as %25, a space as %20; this prints it "
        "encoded: python3 -c \"import urllib.parse,sys; print(urllib.parse.quote(sys.argv[1], "
        "safe=''))\" 'PASSWORD'")


def fragments(secret: str, size: int = 4):
    return {secret[i:i + size] for i in range(len(secret) - size + 1)}


def test_raw_password_gives_the_percent_encoding_hint(pg):
    url = f"postgresql://{ODD_USER}:{ODD_PASSWORD}@{pg.host}:{pg.port}/shop"
    out = run_rowbook(["check"], base_env(pg, "postgres", ROWBOOK_USER_DATABASE_URL=url))
    assert out.returncode == 2
    assert (f"rowbook: error: ROWBOOK_USER_DATABASE_URL must look like "
            f"postgresql://user:password@host:5432/dbname (got \"postgresql://{ODD_USER}:***@"
            f'{pg.host}:{pg.port}/shop"): {HINT}') in out.stderr.splitlines()
    assert not [f for f in fragments(ODD_PASSWORD) if f in out.stdout + out.stderr]
    assert_clean(out.stdout + out.stderr)


def test_the_hinted_command_encodes_a_password_that_then_works(pg, internal_db):
    with pg.connect() as conn:
        conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(ODD_USER)))
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
            sql.Identifier(ODD_USER), sql.Literal(ODD_PASSWORD)))
    encoded = quote(ODD_PASSWORD, safe="")  # what the one-liner in the hint prints
    assert encoded == "p%40ss%2Fw%23rd%3Fx%20y%25z"
    url = f"postgresql://{ODD_USER}:{encoded}@{pg.host}:{pg.port}/shop"
    env = base_env(pg, internal_db, ROWBOOK_USER_DATABASE_URL=url)
    assert run_rowbook(["migrate"], env).returncode == 0
    out = run_rowbook(["check"], env)
    assert out.returncode == 0, out.stderr
    assert f'rowbook: ok: user database "shop" on {pg.host}:{pg.port} answers' in out.stdout
    assert not [f for f in fragments(ODD_PASSWORD) | fragments(encoded)
                if f in out.stdout + out.stderr]


def test_raw_at_sign_alone_still_parses():
    """Python splits user:password from the host at the last @, so a raw @ alone is
    unambiguous; URLs that worked before keep working."""
    from rowbook import config

    params, problem = config.parse_database_url("postgresql://reader:p@ss@db:5432/shop")
    assert problem == ""
    assert (params["user"], params["password"], params["host"]) == ("reader", "p@ss", "db")


def test_shown_url_hides_everything_between_user_and_host():
    from rowbook import config

    assert config.shown_url("postgresql://u:a@b/c?d#e@h:1/db") == "postgresql://u:***@h:1/db"
    assert config.shown_url("postgresql://only-user@h/db") == "postgresql://***@h/db"
    assert config.shown_url("postgresql://h:5432/db") == "postgresql://h:5432/db"
