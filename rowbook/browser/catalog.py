"""Read-only queries against a user database.

Identifiers are always quoted with psycopg.sql; the connection is opened with
default_transaction_read_only so nothing here can write, even by mistake.
"""

import time
from dataclasses import dataclass

import psycopg
from psycopg import sql
from psycopg.types.string import TextLoader

PAGE_SIZE = 50
SYSTEM_SCHEMAS = ("pg_catalog", "information_schema", "pg_toast")


# Counting is bounded: a table of a billion rows, or a view that takes minutes,
# must not hold a worker. The Tables page counts exactly while it is quick
# (up to COUNT_LIMIT rows each, within COUNT_BUDGET_MS for the whole page) and
# shows PostgreSQL's estimate for the rest; it never counts a view.
COUNT_LIMIT = 100_000
COUNT_BUDGET_MS = 2000
# A page holds at most about this many characters of values: each cell of a
# variable-length type (text, bytea, json, arrays...) is cut at
# PAGE_CHARACTERS / (PAGE_SIZE x such columns), between CELL_MIN and CELL_MAX,
# by PostgreSQL, so a 50 MB value never reaches Rowbook.
PAGE_CHARACTERS = 2_000_000
CELL_MAX = 1000
CELL_MIN = 100


@dataclass
class Table:
    schema: str
    name: str
    kind: str  # "table", "view", ...
    rows: int | None  # exact count, or None if not counted
    estimate: int | None  # PostgreSQL's estimate; None if it has none (a view, a table never analysed)
    more: bool = False  # rows is COUNT_LIMIT, and there are more

    @property
    def shown_rows(self) -> str:
        if self.rows is not None:
            return f"more than {COUNT_LIMIT:,}" if self.more else f"{self.rows:,}"
        return f"about {self.estimate:,}" if self.estimate is not None else "not counted"


@dataclass(frozen=True)
class Count:
    """A table's rows, counted up to COUNT_LIMIT; rows is None if counting
    failed or took too long."""

    rows: int | None
    more: bool = False


@dataclass(frozen=True)
class Cell:
    """A value as shown: its text, and whether PostgreSQL cut it."""

    text: object
    shortened: bool = False

    def __str__(self) -> str:
        return str(self.text)


KINDS = {"r": "table", "p": "table", "v": "view", "m": "materialized view", "f": "foreign table"}
COUNTED = ("r", "p", "m")  # a view or foreign table may take any time to count: never


def list_tables(conn: psycopg.Connection) -> list[Table]:
    """Every table and view the user can read, with row counts where they are quick."""
    found = conn.execute(
        """
        SELECT n.nspname, c.relname, c.relkind, c.reltuples::bigint
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
          AND n.nspname NOT IN ('pg_catalog', 'information_schema')
          AND n.nspname NOT LIKE 'pg_toast%%' AND n.nspname NOT LIKE 'pg_temp%%'
          AND has_table_privilege(c.oid, 'SELECT')
        ORDER BY n.nspname, c.relname
        """
    ).fetchall()
    deadline = time.monotonic() + COUNT_BUDGET_MS / 1000
    tables = []
    for schema, name, kind, estimate in found:
        count = Count(None)
        left_ms = int((deadline - time.monotonic()) * 1000)
        if kind in COUNTED and left_ms > 0:
            count = count_rows(conn, schema, name, timeout_ms=left_ms)
        known = estimate if estimate >= 0 and kind in COUNTED else None  # -1: never analysed
        tables.append(Table(schema, name, KINDS.get(kind, kind), count.rows, known, count.more))
    return tables


def count_rows(conn: psycopg.Connection, schema: str, name: str, timeout_ms: int = COUNT_BUDGET_MS) -> Count:
    """Rows up to COUNT_LIMIT (more=True beyond), within timeout_ms."""
    query = sql.SQL("SELECT count(*) FROM (SELECT 1 FROM {} LIMIT {}) AS counted").format(
        sql.Identifier(schema, name), sql.Literal(COUNT_LIMIT + 1))
    try:
        with conn.transaction():
            conn.execute("SELECT set_config('statement_timeout', %s, true)", (str(max(timeout_ms, 1)),))
            rows = conn.execute(query).fetchone()[0]
    except psycopg.Error:
        return Count(None)  # e.g. it timed out, or the table cannot be read: not counted
    return Count(min(rows, COUNT_LIMIT), rows > COUNT_LIMIT)


def table_exists(conn: psycopg.Connection, schema: str, name: str) -> bool:
    row = conn.execute(
        """
        SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = %s AND c.relname = %s AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
        """,
        (schema, name),
    ).fetchone()
    return row is not None


def shown_as_text(conn: psycopg.Connection) -> None:
    """JSON values as the text PostgreSQL sends, not parsed: a deeply nested
    value would exhaust Python's recursion, and the page shows text anyway."""
    for type_name in ("json", "jsonb"):
        conn.adapters.register_loader(type_name, TextLoader)


def columns_of(conn: psycopg.Connection, schema: str, name: str) -> list[tuple[str, str]]:
    """(name, how to read it) of each column, in order: "varlena" for a
    variable-length type other than numeric (cut by PostgreSQL), "bytea" for
    bytes (cut before it becomes text), "value" for the rest."""
    return conn.execute(
        """
        SELECT a.attname,
               CASE WHEN t.typname = 'bytea' OR bt.typname = 'bytea' THEN 'bytea'
                    WHEN t.typlen < 0 AND coalesce(bt.typname, t.typname) <> 'numeric' THEN 'varlena'
                    ELSE 'value' END
        FROM pg_attribute a
        JOIN pg_type t ON t.oid = a.atttypid
        LEFT JOIN pg_type bt ON bt.oid = t.typbasetype AND t.typtype = 'd'
        WHERE a.attrelid = %s::regclass AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY a.attnum
        """,
        (sql.Identifier(schema, name).as_string(conn),),
    ).fetchall()


def cell_characters(columns: list[tuple[str, str]]) -> int:
    cut = sum(1 for _, how in columns if how != "value")
    return max(CELL_MIN, min(CELL_MAX, PAGE_CHARACTERS // (PAGE_SIZE * max(cut, 1))))


def _read(column: str, how: str, characters: int) -> sql.Composable:
    """The select-list expression of a column: one more character than shown
    (or, for bytes, one more byte), so a cut value is known as cut."""
    name = sql.Identifier(column)
    if how == "varlena":
        return sql.SQL("left({}::text, {})").format(name, sql.Literal(characters + 1))
    if how == "bytea":  # '\x' and two hex digits per byte
        return sql.SQL("substring({} FROM 1 FOR {})::text").format(name, sql.Literal((characters - 2) // 2 + 1))
    return name


def fetch_page(conn: psycopg.Connection, schema: str, name: str, page: int):
    """(column names, rows of Cells, characters a cut cell shows) of one page,
    in a stable order when there is a key."""
    order = conn.execute(
        """
        SELECT a.attname FROM pg_index i
        JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
        WHERE i.indrelid = %s::regclass AND i.indisprimary
        ORDER BY array_position(i.indkey, a.attnum)
        """,
        (sql.Identifier(schema, name).as_string(conn),),
    ).fetchall()
    columns = columns_of(conn, schema, name)
    characters = cell_characters(columns)
    query = sql.SQL("SELECT {} FROM {}").format(
        sql.SQL(", ").join(_read(column, how, characters) for column, how in columns) if columns else sql.SQL(""),
        sql.Identifier(schema, name))
    if order:
        query += sql.SQL(" ORDER BY {}").format(
            sql.SQL(", ").join(sql.Identifier(col) for (col,) in order))
    query += sql.SQL(" LIMIT {} OFFSET {}").format(
        sql.Literal(PAGE_SIZE), sql.Literal((page - 1) * PAGE_SIZE))
    rows = conn.execute(query).fetchall()
    cut = [how != "value" for _, how in columns]
    return [column for column, _ in columns], [
        [None if value is None else _cell(value, shortens and len(value) > characters, characters)
         for value, shortens in zip(row, cut)] for row in rows], characters


def _cell(value, shortened: bool, characters: int) -> Cell:
    return Cell(value[:characters], True) if shortened else Cell(value)
