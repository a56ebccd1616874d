"""Read-only queries against a user database.

Identifiers are always quoted with psycopg.sql; the connection is opened with
default_transaction_read_only so nothing here can write, even by mistake.
"""

from dataclasses import dataclass

import psycopg
from psycopg import sql
from psycopg.types.string import TextLoader

PAGE_SIZE = 50
SYSTEM_SCHEMAS = ("pg_catalog", "information_schema", "pg_toast")


@dataclass
class Table:
    schema: str
    name: str
    kind: str  # "table", "view", ...
    rows: int | None  # exact count, or None if counting failed
    estimate: int


KINDS = {"r": "table", "p": "table", "v": "view", "m": "materialized view", "f": "foreign table"}


def list_tables(conn: psycopg.Connection) -> list[Table]:
    """Every table and view the user can read, with row counts."""
    found = conn.execute(
        """
        SELECT n.nspname, c.relname, c.relkind, GREATEST(c.reltuples, 0)::bigint
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
          AND n.nspname NOT IN ('pg_catalog', 'information_schema')
          AND n.nspname NOT LIKE 'pg_toast%%' AND n.nspname NOT LIKE 'pg_temp%%'
          AND has_table_privilege(c.oid, 'SELECT')
        ORDER BY n.nspname, c.relname
        """
    ).fetchall()
    tables = []
    for schema, name, kind, estimate in found:
        tables.append(Table(schema, name, KINDS.get(kind, kind), count_rows(conn, schema, name),
                            estimate))
    return tables


def count_rows(conn: psycopg.Connection, schema: str, name: str) -> int | None:
    try:
        query = sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(schema, name))
        return conn.execute(query).fetchone()[0]
    except psycopg.Error:
        return None  # e.g. a view that errors or times out; show the estimate


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


def fetch_page(conn: psycopg.Connection, schema: str, name: str, page: int):
    """(column names, rows) of one page, in a stable order when there is a key."""
    order = conn.execute(
        """
        SELECT a.attname FROM pg_index i
        JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
        WHERE i.indrelid = %s::regclass AND i.indisprimary
        ORDER BY array_position(i.indkey, a.attnum)
        """,
        (sql.Identifier(schema, name).as_string(conn),),
    ).fetchall()
    query = sql.SQL("SELECT * FROM {}").format(sql.Identifier(schema, name))
    if order:
        query += sql.SQL(" ORDER BY {}").format(
            sql.SQL(", ").join(sql.Identifier(col) for (col,) in order))
    query += sql.SQL(" LIMIT {} OFFSET {}").format(
        sql.Literal(PAGE_SIZE), sql.Literal((page - 1) * PAGE_SIZE))
    cursor = conn.execute(query)
    columns = [d.name for d in cursor.description]
    return columns, cursor.fetchall()
