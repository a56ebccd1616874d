"""A user's database may be large (issue #38): a 20 MB value, a table of more
rows than Rowbook counts, a view that takes longer than a page may. Each page
stays small and quick, says what it left out, and keeps the worker alive."""

from __future__ import annotations

import time

import pytest

from rowbook.browser import catalog
from tests.service.rowbook_testkit import assert_clean
from tests.service.test_service_connections import browsing as browsing_database

DB = "large_data"
MB = 1024 * 1024


@pytest.fixture(scope="module")
def large(web):
    web.create_db(DB, owner="postgres")
    with web.connect(DB) as conn:
        conn.execute(f"""
            CREATE TABLE public.blobs (id int PRIMARY KEY, b bytea, t text, j jsonb, a int[], n numeric,
                                       flag boolean, small text);
            INSERT INTO public.blobs VALUES
              (1, convert_to(repeat('x', {20 * MB}), 'UTF8'), repeat('é', {5 * MB}),
               ('[' || repeat('1,', 200000) || '1]')::jsonb, array_fill(7, ARRAY[100000]),
               1234567.891, true, 'short'),
              (2, '\\x0102'::bytea, 'two', '{{}}'::jsonb, '{{1,2}}', 2, false, NULL);
            CREATE TABLE public.many (id int PRIMARY KEY);
            INSERT INTO public.many SELECT generate_series(1, {catalog.COUNT_LIMIT + 5000});
            ANALYZE public.many;
            CREATE VIEW public.slow AS SELECT pg_sleep(1)::text AS slept, g FROM generate_series(1, 3) AS g;
            CREATE TABLE public.wide ({", ".join(f"c{i} text" for i in range(300))});
            INSERT INTO public.wide SELECT {", ".join("repeat('w', 5000)" for _ in range(300))}
              FROM generate_series(1, 60);
            GRANT SELECT ON ALL TABLES IN SCHEMA public TO reader;
        """)
    return web


@pytest.fixture
def browsing(client, large):
    with browsing_database(client, large, "Large", DB) as signed_in_client:
        yield signed_in_client


def get(client, url: str) -> tuple[str, float]:
    started = time.monotonic()
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200, html[:2000]
    assert_clean(html)
    return html, time.monotonic() - started


def test_a_huge_value_is_cut_by_postgresql_and_marked(browsing):
    html, _ = get(browsing, "/tables/public/blobs/")
    assert len(html) < 100_000  # 20 MB of bytes, 10 MB of text, a long array: none of it whole
    assert html.count('<span class="cut" title="shortened">…</span>') == 4  # b, t, j, a of row 1
    assert f"Long values are shortened to their first {catalog.CELL_MAX} characters" in html
    assert "\\x787878" in html and "éééé" in html  # as PostgreSQL writes them
    assert "1234567.891" in html and ">short<" in html  # short and fixed-size values whole
    assert "\\x0102" in html and ">two<" in html  # row 2: nothing cut


def test_many_long_columns_share_the_page_budget(browsing):
    html, _ = get(browsing, "/tables/public/wide/")
    characters = catalog.cell_characters([(f"c{i}", "varlena") for i in range(300)])
    assert characters == catalog.PAGE_CHARACTERS // (catalog.PAGE_SIZE * 300) < catalog.CELL_MAX
    assert "w" * characters in html and "w" * (characters + 1) not in html
    assert len(html) < 50 * 300 * (characters + 100)
    assert "Page 1 of 2" in html


def test_rows_beyond_the_count_limit_are_said_not_counted(browsing):
    html, _ = get(browsing, "/tables/public/many/")
    assert f"More than {catalog.COUNT_LIMIT:,} rows; Rowbook pages through the first {catalog.COUNT_LIMIT:,}" in html
    last = catalog.COUNT_LIMIT // catalog.PAGE_SIZE
    assert f"Page 1 of {last:,}" in html or f"Page 1 of {last}" in html
    # A page number past what was counted (or absurd) shows the last counted page, with no OFFSET beyond.
    for page in (str(last + 1), "99999999999999999999", "-5", "1e9", "%00"):
        html, seconds = get(browsing, f"/tables/public/many/?page={page}")
        assert seconds < 5
        shown = "1–50" if page in ("-5", "1e9", "%00") else f"{catalog.COUNT_LIMIT - 49}–{catalog.COUNT_LIMIT}"
        assert f"showing {shown}" in html, page


def test_the_tables_page_counts_what_is_quick_and_never_a_view(browsing):
    html, seconds = get(browsing, "/tables/")
    assert seconds < 2 + catalog.COUNT_BUDGET_MS / 1000  # the slow view (1 s a row) is not run
    assert f"more than {catalog.COUNT_LIMIT:,}" in html  # public.many
    assert ">2</td>" in html  # public.blobs, counted exactly
    row = html[html.index("/tables/public/slow/"):]
    assert "not counted" in row[:300]


def test_a_view_slower_than_the_count_limit_still_shows_its_rows(browsing):
    html, seconds = get(browsing, "/tables/public/slow/")
    assert "Rows not counted: counting took too long" in html
    assert html.count("<tr>") == 4  # the header and the three rows
    assert seconds < 2 + 3 + 4  # the count gave up after 2 s; the rows took their 3 s once


def test_a_statement_is_cancelled_before_gunicorn_would_kill_the_worker():
    from rowbook import dbprobe

    assert dbprobe.STATEMENT_TIMEOUT_MS < 30_000  # gunicorn's default worker timeout: 30 s
