"""Screenshots of the Rowbook UI for docs/switching-databases.md, taken from a
real Rowbook on every run, so the page always shows the current UI.

Each step below is a task of that page; the test asserts what the page says
you should see, then writes the PNG into docs/images/switching-databases/."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.rowbook_server import ADMIN, rowbook_server
from tests.browser.site_build import ROOT

from tests.service.rowbook_testkit import ADMIN_PASSWORD, READER_PASSWORD, READER_USER, pg  # noqa: F401  (fixture)

IMAGES = ROOT / "docs" / "images" / "switching-databases"


@pytest.fixture
def rowbook(pg):  # noqa: F811
    with rowbook_server(pg, pg.create_db("rowbook_screenshots")) as url:
        yield url


# The throwaway PostgreSQL listens on a random port; the pictures show the
# usual 5432 instead, as readers have, so they change only when the UI does.
SHOW_PORT_AS_5432 = """port => {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    walker.currentNode.nodeValue = walker.currentNode.nodeValue.replaceAll(':' + port, ':5432');
  }
  for (const input of document.querySelectorAll('input')) {
    if (input.value === port) { input.dataset.realValue = port; input.value = '5432'; }
  }
}"""
RESTORE_INPUTS = """() => {
  for (const input of document.querySelectorAll('input[data-real-value]')) {
    input.value = input.dataset.realValue; delete input.dataset.realValue;
  }
}"""


def shot(page, name: str, port: int, full_page: bool = True) -> None:
    IMAGES.mkdir(parents=True, exist_ok=True)
    page.evaluate(SHOW_PORT_AS_5432, str(port))
    page.screenshot(path=IMAGES / f"{name}.png", full_page=full_page)
    page.evaluate(RESTORE_INPUTS)  # the form is submitted after the picture


def add_database(page, pg, name: str, dbname: str) -> None:
    page.get_by_role("link", name="Add a database").click()
    page.fill("#id_name", name)
    page.fill("#id_host", pg.host)
    page.fill("#id_port", str(pg.port))
    page.fill("#id_dbname", dbname)
    page.fill("#id_user", READER_USER)
    page.fill("#id_password", READER_PASSWORD)


def test_screenshots_of_each_task(browser, pg, rowbook):  # noqa: F811
    context = browser.new_context(viewport={"width": 1000, "height": 600}, device_scale_factor=1)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(rowbook + "/login/")
    page.fill("#id_username", ADMIN)
    page.fill("#id_password", ADMIN_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="No database to browse yet")).to_be_visible()

    page.get_by_role("link", name="Databases").first.click()
    expect(page.get_by_text("No databases yet.")).to_be_visible()

    # Add a database
    add_database(page, pg, "Shop", "shop")
    shot(page, "add-form", pg.port)
    page.get_by_role("button", name="Test and add").click()
    expect(page.get_by_text('Added "Shop".')).to_be_visible()
    expect(page.locator("tr.active")).to_contain_text("Shop (active)")

    add_database(page, pg, "Inventory", "inventory")
    page.get_by_role("button", name="Test and add").click()
    expect(page.locator("tbody tr")).to_have_count(2)
    shot(page, "two-databases", pg.port)

    # Switch
    page.locator("tr", has_text="Inventory").get_by_role("button", name="Switch to this").click()
    expect(page.get_by_text('Now browsing "Inventory".')).to_be_visible()
    expect(page.get_by_role("heading", name="Tables in Inventory")).to_be_visible()
    shot(page, "switched", pg.port)

    # Rename
    page.get_by_role("link", name="Databases").first.click()
    page.locator("tr", has_text="Inventory").get_by_role("link", name="Rename / edit").click()
    page.fill("#id_name", "Warehouse stock")
    shot(page, "rename-form", pg.port)
    page.get_by_role("button", name="Test and save").click()
    expect(page.get_by_text('Saved "Warehouse stock".')).to_be_visible()
    expect(page.locator("tr.active")).to_contain_text("Warehouse stock (active)")

    # Remove: the active one; Rowbook then shows the first remaining database.
    page.locator("tr", has_text="Warehouse stock").get_by_role("link", name="Remove").click()
    expect(page.get_by_role("heading", name="Remove Warehouse stock?")).to_be_visible()
    shot(page, "remove-confirm", pg.port)
    page.get_by_role("button", name="Remove").click()
    expect(page.get_by_text('Removed "Warehouse stock".')).to_be_visible()
    expect(page.locator("tbody tr")).to_have_count(1)
    shot(page, "after-remove", pg.port)

    # Browse
    page.get_by_role("link", name="Tables").first.click()
    expect(page.get_by_role("heading", name="Tables in Shop")).to_be_visible()
    shot(page, "tables", pg.port)
    page.get_by_role("link", name="customers").click()
    expect(page.get_by_role("cell", name="Customer 1", exact=True)).to_be_visible()
    shot(page, "rows", pg.port, full_page=False)  # the first rows; the page is long
    context.close()
