"""Connect to a PostgreSQL server and turn failures into one plain sentence.

Used by `rowbook check`/`install` for the internal and user databases and by
the browser for user databases. Messages never contain the password.
"""

from __future__ import annotations

import re
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, replace

import psycopg

from rowbook import user_databases
from rowbook.config import mask_url

CONNECT_TIMEOUT = 5


@dataclass(frozen=True)
class Hints:
    """What to tell the user to check, per kind of failure."""

    password: str
    reach: str
    database: str
    all: str
    # Rowbook runs in a container of its own (the service image, Docker Compose):
    # there, localhost is that container, not the machine Docker runs on.
    in_container: bool = False
    # Where a user database's host and the database itself are set (user_databases.py).
    host_setting: str = "Host"
    database_setting: str = "This database"


INTERNAL = Hints(
    password="Check POSTGRES_PASSWORD (and POSTGRES_USER).",
    reach="Check POSTGRES_HOST/POSTGRES_PORT and that PostgreSQL is running.",
    database="Check POSTGRES_DB, or create the database.",
    all="Check POSTGRES_HOST, POSTGRES_PORT, POSTGRES_USER, POSTGRES_PASSWORD and POSTGRES_DB.",
)
# A refused password on a database the Docker images created: the classic
# reinstall mistake. PostgreSQL keeps the password its data volume was created
# with; a new POSTGRES_PASSWORD does not change it.
OLD_VOLUME = {
    "compose": (
        "With Docker Compose this usually means the database volume was created by an earlier "
        "install with another password. Either put that old password back as POSTGRES_PASSWORD "
        "in .env, or start over with `docker compose down -v` (this deletes the volume and all "
        "of Rowbook's data in it) and `docker compose up -d`."),
    "all-in-one": (
        "In the all-in-one image this usually means the /data volume was created by an earlier "
        "run with another password. Either start the container with that old POSTGRES_PASSWORD "
        "(or with none, if the earlier run generated it), or start over with a new volume "
        "(removing the old one with `docker volume rm` deletes all of Rowbook's data)."),
}
USER_URL = Hints(
    password="Check the user and password in ROWBOOK_USER_DATABASE_URL.",
    reach=("Check the host and port in ROWBOOK_USER_DATABASE_URL and that PostgreSQL is "
           "running."),
    database="Check the database name in ROWBOOK_USER_DATABASE_URL.",
    all="Check ROWBOOK_USER_DATABASE_URL.",
    host_setting="The host in ROWBOOK_USER_DATABASE_URL",
    database_setting="ROWBOOK_USER_DATABASE_URL",
)
FORM = Hints(
    password="Check the user and password.",
    reach="Check the host and port, and that PostgreSQL is running there.",
    database="Check the database name.",
    all="Check the connection details.",
)


# The install methods whose Rowbook runs in a container with no PostgreSQL in it
# (the all-in-one's own PostgreSQL is on localhost, by design).
IN_A_CONTAINER = {"image", "compose"}
LOCAL_HOSTS = user_databases.LOCAL_HOSTS
LOCALHOST_IN_CONTAINER = (
    "Rowbook runs in a container, where {host} is the container itself, not the machine Docker "
    "runs on. To reach a PostgreSQL server on that machine, use the host name "
    "host.docker.internal: start the container with --add-host=host.docker.internal:host-gateway "
    '(with Docker Compose, add extra_hosts: ["host.docker.internal:host-gateway"] to the rowbook '
    "service), and let PostgreSQL accept connections from Docker's network (listen_addresses in "
    "postgresql.conf, and pg_hba.conf).")


def for_install_method(hints: Hints, install_method: str) -> Hints:
    """`hints`, knowing whether Rowbook runs in a container (ROWBOOK_INSTALL_METHOD)."""
    return replace(hints, in_container=install_method in IN_A_CONTAINER)


def internal_hints(install_method: str, password_file_ending: str = "") -> Hints:
    """INTERNAL, plus what a refused password means for this ROWBOOK_INSTALL_METHOD.
    password_file_ending (config.file_ending): the password file ends with
    whitespace, the likelier cause, named first, and no advice to delete a volume."""
    if password_file_ending:
        return for_install_method(replace(INTERNAL, password=(
            f"{INTERNAL.password} {password_file_ending}. Rowbook drops one newline at the end of "
            f"such a file (and a carriage return before it), PostgreSQL's Docker image every newline and "
            f"nothing else: the two may not use the same password. Write the file with the password "
            f"alone on one line, for example: printf '%s\\n' 'PASSWORD' > FILE. If PostgreSQL first "
            f"created its database from this file, the password it keeps may include that ending: "
            f"change it in PostgreSQL (ALTER ROLE ... PASSWORD) rather than deleting the database.")),
            install_method)
    extra = OLD_VOLUME.get(install_method)
    hints = replace(INTERNAL, password=f"{INTERNAL.password} {extra}") if extra else INTERNAL
    return for_install_method(hints, install_method)


# Below gunicorn's 30 s worker timeout: PostgreSQL cancels a slow query and the
# page says so, before gunicorn kills the worker (and every request it holds).
STATEMENT_TIMEOUT_MS = 20000


def connect(params: dict, read_only: bool = False, addresses: tuple[str, ...] = (), **extra) -> psycopg.Connection:
    """Open a connection; user databases are opened read-only at the server."""
    options = f"-c statement_timeout={STATEMENT_TIMEOUT_MS}"
    if addresses:  # checked addresses of the host: libpq connects there, and checks TLS against the name
        extra["hostaddr"] = ",".join(addresses)
        params = {**params, "host": ",".join([str(params["host"])] * len(addresses))}
    if read_only:
        options += " -c default_transaction_read_only=on"
    if params.get("sslmode"):
        extra["sslmode"] = params["sslmode"]
    with _root_certificate(params) as root:
        if root:
            extra["sslrootcert"] = root
        return psycopg.connect(
            host=params["host"], port=params["port"], dbname=params["dbname"],
            user=params["user"], password=params.get("password") or None,
            connect_timeout=CONNECT_TIMEOUT, application_name="rowbook", options=options,
            autocommit=True, **extra,
        )


@contextmanager
def _root_certificate(params: dict):
    """The file libpq reads the CA from while it connects: the stored PEM in a
    temporary file (removed once connected), "system" (the machine's CAs) for
    a verify mode without one, or None."""
    pem = params.get("ca_certificate") or ""
    if not pem.strip():
        yield "system" if str(params.get("sslmode", "")).startswith("verify-") else None
        return
    with tempfile.NamedTemporaryFile("w", prefix="rowbook-ca-", suffix=".pem") as handle:
        handle.write(pem)
        handle.flush()
        yield handle.name


class Refused(Exception):
    """Rowbook will not connect to this user database; the sentence says why."""

    def __init__(self, sentence: str):
        super().__init__(sentence)
        self.sentence = sentence


def connect_user_database(params: dict, own: dict, hints: Hints,
                          allowed: user_databases.AllowedHosts) -> psycopg.Connection:
    """A read-only connection to a user database, never to Rowbook's own
    database `own` (internal_params), only to a host `allowed`
    (ROWBOOK_DATABASE_HOSTS), and only with SCRAM authentication
    (rowbook/user_databases.py). Raises Refused, or psycopg.Error."""
    refused = user_databases.problem(params, own, hints.host_setting, hints.database_setting)
    if refused:
        raise Refused(refused)
    try:
        addresses = user_databases.addresses_to_connect(str(params["host"]), params["port"], allowed,
                                                        hints.host_setting)
    except user_databases.NotAllowed as error:
        raise Refused(error.sentence) from None
    conn = connect(params, read_only=True, addresses=addresses, require_auth=user_databases.REQUIRE_AUTH)
    try:
        # The catalog, which any role may read (to_regclass needs USAGE on the schema).
        found = conn.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relname = ANY(%s)",
            [list(user_databases.OWN_TABLES)]).fetchone()[0]
    except BaseException:
        conn.close()
        raise
    if found == len(user_databases.OWN_TABLES):
        conn.close()
        raise Refused(f"{hints.database_setting}: {user_databases.OWN_DATABASE_FOUND}")
    return conn


def probe_user_database(params: dict, own: dict, hints: Hints, allowed: user_databases.AllowedHosts) -> str:
    """'' if the user database answers SELECT 1 under the rules above, else why not."""
    try:
        with connect_user_database(params, own, hints, allowed) as conn:
            conn.execute("SELECT 1")
    except Refused as refused:
        return refused.sentence
    except psycopg.Error as exc:
        return describe(exc, params, hints)
    return ""


def primary_message(exc: Exception) -> str:
    """The sentence that explains an error, on one line.

    Server errors carry it as diag.message_primary. Connection errors only
    have libpq's text, whose indented lines are hints that mean nothing on
    their own ("before or while processing the request"), and which has one
    message per address tried: keep the last attempt's message.
    """
    primary = getattr(getattr(exc, "diag", None), "message_primary", None)
    if not primary:
        lines = [line for line in str(exc).splitlines() if line.strip()]
        messages = [line for line in lines if not line[0].isspace()] or lines
        primary = messages[-1] if messages else type(exc).__name__
        primary = primary.rsplit(" failed: ", 1)[-1]
        primary = re.sub(r"^(FATAL|ERROR):\s+", "", primary.strip())
    return " ".join(primary.split()).rstrip(".")


def _tls_problem(lower: str, params: dict, where: str) -> str:
    """A TLS failure in words a user can act on; '' for any other error."""
    if "server does not support ssl" in lower:
        return (f"the server at {where} does not offer TLS, and this database is set to require it. "
                "Turn TLS on in that server (ssl = on in postgresql.conf), or choose \"TLS if the server "
                "offers it\".")
    if "does not match host name" in lower:
        return (f"the certificate of the server at {where} is not made for the host name "
                f"\"{params['host']}\". Enter a host name the certificate lists, or choose the TLS "
                "setting that checks the CA only.")
    if "certificate verify failed" in lower or "root certificate" in lower:
        given = "the CA certificate entered" if (params.get("ca_certificate") or "").strip() else \
            "a CA this machine trusts (none was entered)"
        return (f"the certificate of the server at {where} is not signed by {given}. Paste the "
                "certificate of the CA that signed the server's certificate (PEM, -----BEGIN "
                "CERTIFICATE-----).")
    return ""


def describe(exc: Exception, params: dict, hints: Hints) -> str:
    """One sentence for a failed connection attempt, without the password."""
    where = f"{params['host']}:{params['port']}"
    text = str(exc).strip()
    password = params.get("password")
    if password:
        text = text.replace(password, "***")
    text = mask_url(text)
    lower = text.lower()
    if "authentication method requirement" in lower:  # require_auth refused the server's method
        return (f"the server at {where} did not ask for a SCRAM password (scram-sha-256), and "
                "Rowbook sends passwords only that way, so that no server can read them. On that "
                f'server, use "scram-sha-256" in pg_hba.conf for user "{params["user"]}" and set '
                "its password again with password_encryption = scram-sha-256 (the default since "
                "PostgreSQL 14).")
    if "password authentication failed" in lower or "no password supplied" in lower \
            or "authentication failed" in lower:
        return f'authentication failed for user "{params["user"]}" on {where}. {hints.password}'
    tls = _tls_problem(lower, params, where)
    if tls:
        return tls
    if "does not exist" in lower and "database" in lower:
        return f'database "{params["dbname"]}" does not exist on {where}. {hints.database}'
    reach_words = {
        "connection refused": "connection refused",
        "timeout expired": "timed out",
        "timed out": "timed out",
        "could not translate host name": "unknown host name",
        "name or service not known": "unknown host name",
        "no route to host": "no route to host",
        "network is unreachable": "network is unreachable",
        # Up, but not taking new sessions: it will be back, or down, in a moment.
        "the database system is shutting down": "it is shutting down",
        "the database system is starting up": "it is starting up",
        "the database system is in recovery mode": "it is recovering from a crash",
    }
    for needle, reason in reach_words.items():
        if needle in lower:
            sentence = f"cannot reach PostgreSQL at {where} ({reason}). {hints.reach}"
            host = str(params["host"]).strip("[]").lower()
            if hints.in_container and host in LOCAL_HOSTS:
                sentence += " " + LOCALHOST_IN_CONTAINER.format(host=params["host"])
            return sentence
    detail = primary_message(exc)
    if password:
        detail = detail.replace(password, "***")
    return (f'cannot connect to PostgreSQL at {where} as user "{params["user"]}": '
            f"{mask_url(detail)}. {hints.all}")


def probe(params: dict, hints: Hints, read_only: bool = False) -> str:
    """'' if the server answers SELECT 1, else the sentence describing why not."""
    try:
        with connect(params, read_only=read_only) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        return describe(exc, params, hints)
    return ""


def internal_params(values: dict) -> dict:
    return {
        "host": values["POSTGRES_HOST"], "port": values["POSTGRES_PORT"],
        "user": values["POSTGRES_USER"], "password": values["POSTGRES_PASSWORD"],
        "dbname": values["POSTGRES_DB"],
    }
