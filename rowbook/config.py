"""Every environment variable Rowbook reads, in one declarative list.

This module must stay importable without Django and without any variable
set: the docs build imports ``VARIABLES`` to generate the configuration
reference. Keep Django imports out of it.

Where values come from
    ``os.environ``, plus an optional dotenv file: the path in
    ``ROWBOOK_ENV_FILE``, else ``./.env`` if it exists. A variable set in the
    real environment wins over the file. An empty value counts as unset.
    The file is read as Docker Compose reads ``.env`` (see rowbook/envfile.py),
    except that ``$NAME`` is never expanded.

    Every secret variable (``Var.secret``) may instead be read from a file:
    ``NAME_FILE`` holds its path (``Var.file_variable``), as with the official
    Docker images and Docker/systemd secrets. One trailing newline is dropped.
    Setting both NAME and NAME_FILE is an error.

Message formats
    Every problem is reported on one line, all problems at once, never as a
    Python traceback, and the command exits with status 2::

        rowbook: error: <NAME> is not set. <help> Example: <NAME>=<example>
        rowbook: error: <NAME> is not set. <help> Example: <NAME>=<example> (or set <NAME>_FILE to the path of a file that holds it)
        rowbook: error: SECRET_KEY is not set. Set it to a long random string, for example the output of: python3 -c "import secrets; print(secrets.token_urlsafe(50))" (or set SECRET_KEY_FILE to the path of a file that holds it)
        rowbook: error: <NAME> and <NAME>_FILE are both set; set only one: <NAME>_FILE to read <NAME> from that file (a Docker secret), or <NAME> itself.
        rowbook: error: <NAME>_FILE is "<path>", but that file does not exist. Set <NAME>_FILE to the path of a file that holds <NAME>, or set <NAME> instead.
        rowbook: error: <NAME>_FILE is "<path>", but that is a directory, not a file. Set <NAME>_FILE to ...
        rowbook: error: <NAME>_FILE is "<path>", but that file cannot be read (permission denied). Set <NAME>_FILE to ...
        rowbook: error: <NAME>_FILE is "<path>", but that file is not UTF-8 text. Set <NAME>_FILE to ...
        rowbook: error: <NAME>_FILE is "<path>", but that file is empty. Set <NAME>_FILE to ...
        rowbook: error: SECRET_KEY is too short (<n> characters; at least 32 are needed). Set it to a long random string, for example the output of: python3 -c "import secrets; print(secrets.token_urlsafe(50))"
        rowbook: error: SECRET_KEY starts with "django-insecure-", which marks a throwaway development key. Set it to a long random string, for example the output of: python3 -c "import secrets; print(secrets.token_urlsafe(50))"
        rowbook: error: <NAME> must be a whole number between 1 and 65535 (got "<value>"). Example: <NAME>=<example>
        rowbook: error: <NAME> must be a whole number between <min> and <max> (got "<value>"). Example: <NAME>=<example>
        rowbook: error: <NAME> must be one of true, false, 1, 0, yes, no (got "<value>"). Example: <NAME>=<example>
        rowbook: error: ROWBOOK_LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL (got "<value>"). Example: ROWBOOK_LOG_LEVEL=INFO
        rowbook: error: ROWBOOK_INSTALL_METHOD must be one of image, compose, all-in-one, without-docker, deb, helm (got "<value>"). Example: ROWBOOK_INSTALL_METHOD=compose
        rowbook: error: ROWBOOK_RELEASE_FEED_URL must be an http:// or https:// URL (got "<value>"). Example: ROWBOOK_RELEASE_FEED_URL=https://docs.rowbook.example/releases.json
        rowbook: error: DOMAIN_NAME must be a host name without a scheme (got "https://rowbook.example.com"). Example: DOMAIN_NAME=rowbook.example.com
        rowbook: error: DOMAIN_NAME must be a host name without a path (got "<value>"). Example: DOMAIN_NAME=rowbook.example.com
        rowbook: error: DOMAIN_NAME must be a host name without a port (got "<value>"); the port Rowbook listens on is ROWBOOK_PORT. Example: DOMAIN_NAME=rowbook.example.com
        rowbook: error: DOMAIN_NAME must be plain ASCII (got "bücher.example"); its punycode form works: DOMAIN_NAME=xn--bcher-kva.example
        rowbook: error: DOMAIN_NAME must be plain ASCII (got "<value>"); write it in punycode (xn--...). Example: DOMAIN_NAME=rowbook.example.com
        rowbook: error: DOMAIN_NAME must be made of letters, digits, hyphens and dots (got "row_book.example.com": "_" is not allowed). Example: DOMAIN_NAME=rowbook.example.com
        rowbook: error: DOMAIN_NAME must be at most 253 characters long (got "<first 40 characters>..." (<n> characters)). Example: DOMAIN_NAME=rowbook.example.com
        rowbook: error: DOMAIN_NAME must have parts of 1 to 63 characters between its dots (got "<value>": a part is empty). Example: DOMAIN_NAME=rowbook.example.com
        rowbook: error: DOMAIN_NAME must have parts of 1 to 63 characters between its dots (got "<value>": a part has <n>). Example: DOMAIN_NAME=rowbook.example.com
        rowbook: error: DOMAIN_NAME must not have a part that starts or ends with a hyphen (got "<value>": "<part>"). Example: DOMAIN_NAME=rowbook.example.com
        rowbook: error: ROWBOOK_USER_DATABASE_URL must look like postgresql://user:password@host:5432/dbname (got "<url with password as ***>"): <what is wrong>.
        rowbook: error: ROWBOOK_USER_DATABASE_URL must look like postgresql://user:password@host:5432/dbname (got "<url with password as ***>"): the password (or user name) holds a character that URLs reserve. Percent-encode it: @ as %40, : as %3A, / as %2F, ? as %3F, # as %23, % as %25, a space as %20; this prints it encoded: python3 -c "import urllib.parse,sys; print(urllib.parse.quote(sys.argv[1], safe=''))" 'PASSWORD'
        rowbook: error: ROWBOOK_ENV_FILE is "<path>", but that file does not exist.
        rowbook: error: ROWBOOK_ENV_FILE is "<path>", but <that is a directory, not a file | that file cannot be read (permission denied) | that file is not UTF-8 text>.
        rowbook: error: ./.env exists, but <reason as above>. Fix the file, or set ROWBOOK_ENV_FILE to the settings file to read instead.
        rowbook: error: <file>:<line>: cannot read this line; expected NAME=value.

    ROWBOOK_EXTRA_HOSTS (names separated by commas) gets the same lines for
    the first bad name, naming ROWBOOK_EXTRA_HOSTS; its punycode hint is just
    the converted name. A value longer than 60 characters is never echoed in
    full: "<first 40 characters>..." (<n> characters) stands for it.

    In the URL, everything between the user name and the last @ is shown as
    ``***``, so no part of a password shows even when it holds a raw @ / ? #.
    A line of a dotenv file that cannot be read is named by its number only.

    Database connectivity (``rowbook check``, ``rowbook install``,
    ``rowbook migrate``; see ``rowbook/dbprobe.py``)::

        rowbook: error: authentication failed for user "<user>" on <host>:<port>. Check POSTGRES_PASSWORD (and POSTGRES_USER).
        rowbook: error: authentication failed for user "<user>" on <host>:<port>. Check POSTGRES_PASSWORD (and POSTGRES_USER). With Docker Compose this usually means the database volume was created by an earlier install with another password. Either put that old password back as POSTGRES_PASSWORD in .env, or start over with `docker compose down -v` (this deletes the volume and all of Rowbook's data in it) and `docker compose up -d`.
        rowbook: error: authentication failed for user "<user>" on <host>:<port>. Check POSTGRES_PASSWORD (and POSTGRES_USER). In the all-in-one image this usually means the /data volume was created by an earlier run with another password. Either start the container with that old POSTGRES_PASSWORD (or with none, if the earlier run generated it), or start over with a new volume (removing the old one with `docker volume rm` deletes all of Rowbook's data).
        rowbook: error: cannot reach PostgreSQL at <host>:<port> (<reason>). Check POSTGRES_HOST/POSTGRES_PORT and that PostgreSQL is running.
        rowbook: error: cannot reach PostgreSQL at <localhost|127.0.0.1|::1>:<port> (<reason>). Check POSTGRES_HOST/POSTGRES_PORT and that PostgreSQL is running. Rowbook runs in a container, where <host> is the container itself, not the machine Docker runs on. To reach a PostgreSQL server on that machine, use the host name host.docker.internal: start the container with --add-host=host.docker.internal:host-gateway (with Docker Compose, add extra_hosts: ["host.docker.internal:host-gateway"] to the rowbook service), and let PostgreSQL accept connections from Docker's network (listen_addresses in postgresql.conf, and pg_hba.conf).
        rowbook: error: database "<db>" does not exist on <host>:<port>. Check POSTGRES_DB, or create the database.
        rowbook: error: cannot connect to PostgreSQL at <host>:<port> as user "<user>": <reason>. Check POSTGRES_HOST, POSTGRES_PORT, POSTGRES_USER, POSTGRES_PASSWORD and POSTGRES_DB.

    <reason> is the sentence that explains the failure, on one line (the
    first of a multi-line server message, e.g. "server closed the connection
    unexpectedly"). Errors PostgreSQL raises once connected are reported by
    SQLSTATE, never as connection problems (see ``rowbook/dberrors.py``)::

        rowbook: error: another `rowbook migrate` changed database "<db>" at the same time (<PostgreSQL's message>). Run `rowbook <migrate|install>` again.
        rowbook: error: database "<db>" already has what `rowbook <migrate|install>` was about to create (<PostgreSQL's message>). If another `rowbook migrate` ran at the same time, run `rowbook <migrate|install>` again; if not, POSTGRES_DB names a database that holds another program's tables: set POSTGRES_DB to a database of Rowbook's own.
        rowbook: error: POSTGRES_USER "<user>" may not change database "<db>" (<PostgreSQL's message>). Make it the owner of the database: as a PostgreSQL superuser, run ALTER DATABASE <db> OWNER TO <user>;
        rowbook: error: lost the connection to PostgreSQL at <host>:<port> during `rowbook <command>` (<PostgreSQL's message>). Check that PostgreSQL is running, then run `rowbook <command>` again.
        rowbook: error: PostgreSQL refused a statement of `rowbook <command>` on database "<db>": <PostgreSQL's message> (SQLSTATE <code>). This is not a connection problem: fix what PostgreSQL names, then run `rowbook <command>` again.

    `rowbook migrate` runs one at a time per database (a PostgreSQL advisory
    lock); the second one says, on stderr, and then waits::

        rowbook: note: another `rowbook migrate` is running on this database; waiting for it to finish

    The Docker sentences of a refused internal password are added only when
    ROWBOOK_INSTALL_METHOD is compose or all-in-one; the sentences about
    localhost in a container only when it is image or compose (the
    all-in-one's own PostgreSQL is on localhost), for the internal database,
    ROWBOOK_USER_DATABASE_URL and the Databases page alike.

    A request for a host name that is neither DOMAIN_NAME nor in
    ROWBOOK_EXTRA_HOSTS gets a 400 page (HTML for browsers, else this text;
    see ``rowbook/core/unknown_host.py``) and one warning in the log::

        400 Bad Request: this Rowbook answers to <DOMAIN_NAME>, not to "<Host header>".
        Open http://<DOMAIN_NAME>/ instead. If Rowbook should answer to <host> too, add it to ROWBOOK_EXTRA_HOSTS (names separated by commas, for example ROWBOOK_EXTRA_HOSTS=<host>) and restart Rowbook.
        <time> WARNING rowbook.hosts: refused a request for host "<Host header>": it is neither DOMAIN_NAME (<DOMAIN_NAME>) nor in ROWBOOK_EXTRA_HOSTS. To serve it, add it to ROWBOOK_EXTRA_HOSTS.

    Names of stored databases are unique regardless of case. The Databases
    page answers a taken name (also when two adds race) with this form error,
    and the upgrade that adds the rule renames older case duplicates::

        A database named "<existing name>" already exists; names must differ in more than upper and lower case. Choose another name.
        rowbook: note: renamed the stored database "<old>" to "<old> (<n>)": names of databases must now differ in more than upper and lower case.

    For the user database the same lines name ROWBOOK_USER_DATABASE_URL
    instead of the POSTGRES_* variables. Success lines of ``rowbook check``
    look like ``rowbook: ok: <what was checked>``.

    Warnings do not stop Rowbook; they are printed by every ``rowbook``
    command and logged at startup of the web app::

        rowbook: warning: ROWBOOK_USER_DATABASE_URL is deprecated: since 0.1.2 databases are managed on the Databases page (/databases/). `rowbook migrate` imports this one once as the connection "From ROWBOOK_USER_DATABASE_URL"; after that, unset ROWBOOK_USER_DATABASE_URL. It will be removed in a later release.
        rowbook: warning: stored database "<name>": <connectivity sentence as above>
        rowbook: warning: stored database "<name>": its password cannot be decrypted: SECRET_KEY has changed since it was saved, and no key in SECRET_KEY_FALLBACKS matches. Add the old key to SECRET_KEY_FALLBACKS, or enter the password again on the Databases page (/databases/).

    The Databases page, the Tables page and the edit form say the same of a
    stored password that matches no key::

        The stored password of "<name>" cannot be decrypted: SECRET_KEY has changed since it was saved, and no key in SECRET_KEY_FALLBACKS matches. Add the old key to SECRET_KEY_FALLBACKS, or edit "<name>" and enter its password again.

    ``rowbook rotate-secrets`` re-encrypts stored passwords with SECRET_KEY::

        rowbook: ok: re-encrypted <n> stored database passwords with the current SECRET_KEY
        rowbook: error: stored database "<name>": its password cannot be decrypted: SECRET_KEY has changed since it was saved, and no key in SECRET_KEY_FALLBACKS matches. Add the old key to SECRET_KEY_FALLBACKS and run rowbook rotate-secrets again, or enter the password again on the Databases page (/databases/).
        rowbook: error: the internal database has no tables yet, so no stored passwords; run: rowbook install (or rowbook migrate)

Secrets (SECRET_KEY, SECRET_KEY_FALLBACKS, POSTGRES_PASSWORD, the contents
of NAME_FILE files, the password in a database URL) are never echoed: values
of secret variables are not quoted back, and passwords inside URLs are shown as
``***``. tests/service/test_service_secret_leaks.py checks this with Hypothesis.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path
from urllib.parse import unquote, urlsplit

from rowbook import envfile, hostnames, install_methods, user_databases
from rowbook.hostnames import quoted

SECRET_KEY_HINT = (
    "Set it to a long random string, for example the output of: "
    'python3 -c "import secrets; print(secrets.token_urlsafe(50))"'
)
BOOL_WORDS = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
# The docs site (site_url in mkdocs.yml); its build publishes releases.json.
# tests/test_releases_feed.py fails when the two disagree.
DOCS_SITE_URL = "https://docs.rowbook.example/"


@dataclass(frozen=True)
class Var:
    """One environment variable: what the docs table and the validator need."""

    name: str
    type: str  # str, int, port, bool, secret, host, hosts, url, httpurl, choice, loglevel
    help: str
    example: str
    default: object = None
    required: bool = False
    secret: bool = False
    deprecated: str = ""  # non-empty: why, and what to use instead
    choices: tuple[str, ...] = ()  # the allowed values of a "choice"
    bounds: tuple[int, int] | None = None  # an "int" other than INT_RANGES' (low, high)

    @property
    def file_variable(self) -> str:
        """NAME_FILE, read instead of NAME (Docker secrets); every secret has one, others none."""
        return f"{self.name}_FILE" if self.secret else ""


VARIABLES: tuple[Var, ...] = (
    Var("SECRET_KEY", "secret", "Signs sessions and CSRF tokens; at least 32 characters, kept private.",
        "k3Xq...50 random characters...", required=True, secret=True),
    Var("SECRET_KEY_FALLBACKS", "secret",
        "Old SECRET_KEY values, comma-separated, still accepted after a key change: sessions stay "
        "signed in and stored database passwords stay readable until `rowbook rotate-secrets` "
        "re-encrypts them with the new key. Empty it afterwards (users then sign in again).",
        "k3Xq...the previous SECRET_KEY...", secret=True),
    Var("DOMAIN_NAME", "host", "Host name users type in the browser, without scheme, path or port.",
        "rowbook.example.com", required=True),
    Var("ROWBOOK_EXTRA_HOSTS", "hosts",
        "Other host names Rowbook answers to besides DOMAIN_NAME, separated by commas: an IP "
        "address or an internal name, for example. Each is checked like DOMAIN_NAME. A request "
        "for any other name gets a 400 page that says so.",
        "10.0.0.5,rowbook.internal"),
    Var("POSTGRES_HOST", "str", "Host of Rowbook's internal PostgreSQL database (users, sessions).",
        "db", required=True),
    Var("POSTGRES_PORT", "port", "Port of the internal PostgreSQL database.", "5432", default=5432),
    Var("POSTGRES_USER", "str", "User Rowbook logs in as on the internal database.", "rowbook",
        required=True),
    Var("POSTGRES_PASSWORD", "secret", "Password of POSTGRES_USER.", "a-long-random-password",
        required=True, secret=True),
    Var("POSTGRES_DB", "str", "Name of the internal database.", "rowbook", required=True),
    Var("ROWBOOK_USER_DATABASE_URL", "url",
        "Deprecated since 0.1.2: one database to browse, as a URL; imported once as a stored "
        "connection.",
        "postgresql://reader:password@dbhost:5432/shop",
        deprecated=('since 0.1.2 databases are managed on the Databases page (/databases/). '
                    '`rowbook migrate` imports this one once as the connection "From '
                    'ROWBOOK_USER_DATABASE_URL"; after that, unset ROWBOOK_USER_DATABASE_URL. '
                    'It will be removed in a later release.')),
    Var("ROWBOOK_DATABASE_HOSTS", "dbhosts",
        "The PostgreSQL servers users may add on the Databases page, separated by commas: "
        "`private` (this machine and private networks: 127.0.0.0/8, 10.0.0.0/8, 172.16.0.0/12, "
        "192.168.0.0/16, ::1, fc00::/7), IP addresses, networks (10.1.0.0/16), host names, "
        "`*.example.com` (any name under it), or `*` (any server). A host name not listed is "
        "allowed when every address it resolves to is. Rowbook then connects to those "
        "addresses only.", "private,db.example.com", default="private"),
    Var("ROWBOOK_HOST", "str", "Address `rowbook serve` listens on.", "0.0.0.0", default="127.0.0.1"),
    Var("ROWBOOK_PORT", "port", "Port `rowbook serve` listens on.", "8000", default=8000),
    Var("ROWBOOK_WORKERS", "int", "Number of gunicorn worker processes for `rowbook serve`.", "2",
        default=2),
    Var("ROWBOOK_TRUST_PROXY", "bool",
        "Trust X-Forwarded-Proto and X-Forwarded-For from a reverse proxy in front of Rowbook: "
        "the browser's scheme, and its address for the limit on failed sign-ins.", "true",
        default=False),
    Var("ROWBOOK_SIGN_IN_ATTEMPTS", "int",
        "Failed sign-ins allowed for one user name, and from one client address, before "
        "signing in is paused for them (ROWBOOK_SIGN_IN_PAUSE_MINUTES). Failures older than the "
        "pause no longer count.", "10", default=5, bounds=(1, 1000)),
    Var("ROWBOOK_SIGN_IN_PAUSE_MINUTES", "int",
        "How long signing in stays paused after too many failed sign-ins, in minutes. An admin "
        "can end a pause sooner: `rowbook axes_reset_username NAME` or `rowbook axes_reset_ip "
        "ADDRESS`.", "30", default=15, bounds=(1, 10080)),
    Var("ROWBOOK_DEBUG", "bool", "Django debug mode; never on a public server.", "false",
        default=False),
    Var("ROWBOOK_LOG_LEVEL", "loglevel", "Log level of the messages written to stderr.", "INFO",
        default="INFO"),
    Var("ROWBOOK_INSTALL_METHOD", "choice",
        f"How this Rowbook was installed: {', '.join(install_methods.NAMES[:-1])} or "
        f"{install_methods.NAMES[-1]}. The About page shows the upgrade steps for it.",
        "compose", default=install_methods.DEFAULT, choices=install_methods.NAMES),
    Var("ROWBOOK_UPDATE_CHECK", "bool",
        "Check the release feed for a newer Rowbook when an admin opens the About page (at most "
        "once an hour). Set to false to never contact it.", "false", default=True),
    Var("ROWBOOK_RELEASE_FEED_URL", "httpurl",
        "Where the About page reads the list of Rowbook releases (releases.json of the docs "
        "site).", "https://docs.rowbook.example/releases.json",
        default=DOCS_SITE_URL + "releases.json"),
    Var("ROWBOOK_ENV_FILE", "str", "Dotenv file to read besides the environment (default: ./.env if present).",
        "/etc/rowbook/rowbook.env"),
)

BY_NAME = {v.name: v for v in VARIABLES}
PARSED_DEFAULTS = {"dbhosts"}
INT_RANGES = {"port": (1, 65535), "int": (1, 64)}

_URL_PASSWORD = re.compile(r"(://[^:/@\s]*:)[^@\s]*@")


def mask_url(text: str) -> str:
    """Replace any password inside URLs in ``text`` with ``***``."""
    return _URL_PASSWORD.sub(r"\1***@", text)


@dataclass
class Result:
    values: dict = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # NAME: what a NAME_FILE file ends with after its value, when that is
    # whitespace (file_ending): the likely cause if the value is refused.
    file_endings: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


def gather(environ=None) -> tuple[dict[str, str], list[str]]:
    """The raw values: the dotenv file overlaid by the real environment."""
    environ = dict(os.environ if environ is None else environ)
    problems: list[str] = []
    env_file = environ.get("ROWBOOK_ENV_FILE", "")
    path = Path(env_file or ".env")
    merged: dict[str, str] = {}
    if env_file or path.is_file():
        text, why = envfile.read_text(path)
        if why and env_file:
            problems.append(f'ROWBOOK_ENV_FILE is "{env_file}", but {why}.')
        elif why:
            problems.append(f"./.env exists, but {why}. Fix the file, or set ROWBOOK_ENV_FILE "
                            "to the settings file to read instead.")
        else:
            values, file_problems = envfile.parse(text, str(path))
            merged.update(values)
            problems += file_problems
    merged.update(environ)
    return merged, problems


def read_secret_file(var: Var, path: str) -> tuple[str, str, str]:
    """(value, problem, ending) for NAME_FILE: the file's text less one trailing
    newline, which files written by Docker, systemd or `echo` end with; ending
    is what else it ends with (file_ending), read from the same text."""
    text, why = envfile.read_text(Path(path))
    fix = (f"Set {var.file_variable} to the path of a file that holds {var.name}, or set "
           f"{var.name} instead.")
    if why:
        return "", f'{var.file_variable} is "{path}", but {why}. {fix}', ""
    value = text.removesuffix("\n").removesuffix("\r")
    if not value.strip():
        return "", f'{var.file_variable} is "{path}", but that file is empty. {fix}', ""
    return value, "", file_ending(var, path, text)


# Whitespace a file may end with, as a message names it: (one, several).
_WHITESPACE = {"\r": ("a carriage return", "carriage returns"), "\n": ("a newline", "newlines"),
               " ": ("a space", "spaces"), "\t": ("a tab", "tabs")}


def file_ending(var: Var, path: str, text: str) -> str:
    """What the NAME_FILE file ends with, when that is more whitespace than the
    one newline such a file should end with; "" otherwise. Rowbook drops one
    newline (and a carriage return before it); PostgreSQL's Docker image reads
    POSTGRES_PASSWORD_FILE as `$(< file)`, dropping every trailing newline and
    nothing else. With any other ending, the two may not read the same password."""
    tail = text[len(text.rstrip()):]
    if tail in ("", "\n"):
        return ""
    if tail == "\r\n":
        return f'{var.file_variable} "{path}" ends with a Windows line ending (a carriage return, then a newline)'
    said = []
    for ch, run in groupby(tail):
        one, several = _WHITESPACE.get(ch, (f"the character U+{ord(ch):04X}", f"U+{ord(ch):04X} characters"))
        count = len(list(run))
        said.append(one if count == 1 else f"{count} {several}")
    return f'{var.file_variable} "{path}" ends with {", then ".join(said)}'


def raw_secret(var: Var, raw_values: dict[str, str]) -> tuple[str, str, str]:
    """(value, problem, file ending) of a secret set as NAME or as NAME_FILE; never both."""
    direct = raw_values.get(var.name, "").strip()
    path = raw_values.get(var.file_variable, "").strip()
    if direct and path:
        return "", (f"{var.name} and {var.file_variable} are both set; set only one: "
                    f"{var.file_variable} to read {var.name} from that file (a Docker secret), "
                    f"or {var.name} itself."), ""
    return read_secret_file(var, path) if path else (direct, "", "")


# Characters that end the user:password part of a URL early, whatever follows.
_BREAKS_USERINFO = re.compile(r"[/?#\s]")
PERCENT_ENCODE_HINT = (
    "the password (or user name) holds a character that URLs reserve. Percent-encode it: @ as "
    "%40, : as %3A, / as %2F, ? as %3F, # as %23, % as %25, a space as %20; this prints it "
    "encoded: python3 -c \"import urllib.parse,sys; print(urllib.parse.quote(sys.argv[1], "
    "safe=''))\" 'PASSWORD'")


def _split_userinfo(url: str) -> tuple[str, str, str]:
    """(scheme://, user:password, @host...) split at the last @, as Python's urlsplit does."""
    scheme, sep, rest = url.partition("://")
    userinfo, at, where = (rest if sep else url).rpartition("@")
    return (scheme + sep if sep else ""), userinfo, (at + where if at else "")


def shown_url(url: str) -> str:
    """The URL to quote back in a message: everything between the user name and the
    host is ***, so no part of a password shows, even one with raw @ / ? # in it."""
    scheme, userinfo, where = _split_userinfo(url)
    if not where:
        return url  # no @: no password in it
    user, colon, _ = userinfo.partition(":")
    return f"{scheme}{user}:***{where}" if colon else f"{scheme}***{where}"


def parse_database_url(url: str, name: str = "ROWBOOK_USER_DATABASE_URL") -> tuple[dict | None, str]:
    """postgresql://user:password@host:port/dbname -> connection params, or (None, problem)."""
    prefix = (f"{name} must look like postgresql://user:password@host:5432/dbname "
              f"(got {quoted(shown_url(url))}): ")
    if _BREAKS_USERINFO.search(_split_userinfo(url)[1]):
        return None, prefix + PERCENT_ENCODE_HINT
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None, prefix + "the port is not a number."
    if parts.scheme not in ("postgresql", "postgres"):
        return None, prefix + "it must start with postgresql://."
    if not parts.hostname:
        return None, prefix + "the host is missing."
    dbname = unquote(parts.path.lstrip("/"))
    if not dbname or "/" in dbname:
        return None, prefix + "the database name after the last / is missing."
    if not parts.username:
        return None, prefix + "the user name is missing."
    return {
        "host": parts.hostname,
        "port": port or 5432,
        "dbname": dbname,
        "user": unquote(parts.username),
        "password": unquote(parts.password or ""),
    }, ""


def _convert(var: Var, raw: str):
    """Return (value, problem) for one set variable."""
    example = f"Example: {var.name}={var.example}"
    if var.type in INT_RANGES:
        low, high = var.bounds or INT_RANGES[var.type]
        if not re.fullmatch(r"\d+", raw) or not low <= int(raw) <= high:
            return None, (f"{var.name} must be a whole number between {low} and {high} "
                          f'(got {quoted(raw)}). {example}')
        return int(raw), ""
    if var.type == "bool":
        word = raw.strip().lower()
        if word not in BOOL_WORDS:
            return None, (f"{var.name} must be one of true, false, 1, 0, yes, no "
                          f'(got {quoted(raw)}). {example}')
        return BOOL_WORDS[word], ""
    if var.type == "loglevel":
        if raw.upper() not in LOG_LEVELS:
            return None, (f"{var.name} must be one of {', '.join(LOG_LEVELS)} "
                          f'(got {quoted(raw)}). {example}')
        return raw.upper(), ""
    if var.type == "choice":
        if raw.lower() not in var.choices:
            return None, (f"{var.name} must be one of {', '.join(var.choices)} "
                          f'(got {quoted(raw)}). {example}')
        return raw.lower(), ""
    if var.type == "httpurl":
        parts = urlsplit(raw)
        if parts.scheme not in ("http", "https") or not parts.netloc or " " in raw:
            return None, (f"{var.name} must be an http:// or https:// URL "
                          f'(got {quoted(mask_url(raw))}). {example}')
        return raw, ""
    if var.type == "host":
        problem = hostnames.problem(var.name, raw, f"{var.name}=", example)
        return (None, problem) if problem else (raw.rstrip(".").lower(), "")
    if var.type == "hosts":
        names = [name.strip() for name in raw.split(",") if name.strip()]
        problems = [hostnames.problem(var.name, name, "", example) for name in names]
        problems = [problem for problem in problems if problem]
        if problems:
            return None, problems[0]
        return [name.rstrip(".").lower() for name in names], ""
    if var.name == "SECRET_KEY":
        if raw.startswith("django-insecure-"):
            return None, ('SECRET_KEY starts with "django-insecure-", which marks a throwaway '
                          f"development key. {SECRET_KEY_HINT}")
        if len(raw) < 32:
            return None, (f"SECRET_KEY is too short ({len(raw)} characters; at least 32 are "
                          f"needed). {SECRET_KEY_HINT}")
        return raw, ""
    if var.name == "SECRET_KEY_FALLBACKS":
        # Django's own keys never hold a comma, nor do keys made as SECRET_KEY_HINT says.
        return tuple(key.strip() for key in raw.split(",") if key.strip()), ""
    if var.type == "dbhosts":
        return user_databases.parse_allowed_hosts(raw, var.name)
    if var.type == "url":
        params, problem = parse_database_url(raw, var.name)
        return (None, problem) if problem else (params, "")
    return raw, ""


def _not_set(var: Var) -> str:
    hint = SECRET_KEY_HINT if var.name == "SECRET_KEY" else (
        f"{var.help} Example: {var.name}={var.example}")
    alternative = (f" (or set {var.file_variable} to the path of a file that holds it)"
                   if var.file_variable else "")
    return f"{var.name} is not set. {hint}{alternative}"


def load(environ=None) -> Result:
    """Read and validate every variable; all problems are collected, none raised."""
    raw_values, problems = gather(environ)
    result = Result(problems=problems)
    for var in VARIABLES:
        # A parsed type's default is written as a reader writes the value (the docs show it so).
        result.values[var.name] = _convert(var, var.default)[0] if var.type in PARSED_DEFAULTS else var.default
        if var.secret:
            raw, problem, ending = raw_secret(var, raw_values)
            if ending:
                result.file_endings[var.name] = ending
        else:
            raw, problem = raw_values.get(var.name, "").strip(), ""
        if problem or not raw:
            if problem or var.required:
                result.problems.append(problem or _not_set(var))
            continue
        value, problem = _convert(var, raw)
        if problem:
            result.problems.append(problem)
        else:
            result.values[var.name] = value
            if var.deprecated:
                result.warnings.append(f"{var.name} is deprecated: {var.deprecated}")
    return result


def secrets_in(values: dict) -> list[str]:
    """Every secret value, so log output can be scrubbed of them."""
    found: list = []
    for var in VARIABLES:
        if var.secret:
            value = values.get(var.name)
            found += value if isinstance(value, (list, tuple)) else [value]  # the fallbacks
    url = values.get("ROWBOOK_USER_DATABASE_URL")
    if isinstance(url, dict):
        found.append(url.get("password"))
    return [s for s in found if isinstance(s, str) and len(s) >= 4]
