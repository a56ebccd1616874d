"""The default Compose stack (Rowbook + PostgreSQL), one for the whole module,
run by pytest-docker (conftest.py): healthy, on localhost only, non-root."""

from __future__ import annotations

from .conftest import get, published_ports


def test_default_profile_is_healthy_and_publishes_only_rowbook_on_localhost(default_stack):
    assert get("http://127.0.0.1:8000/healthz") == (200, "ok")
    status, page = get("http://127.0.0.1:8000/login/")
    assert status == 200 and "Sign in to Rowbook" in page
    assert published_ports(default_stack) == {"rowbook": ["127.0.0.1:8000"], "db": []}


def test_the_service_runs_as_a_non_root_user(default_stack):
    assert default_stack.exec("rowbook", "id", "-un").strip() == "rowbook"
    assert default_stack.exec("rowbook", "id", "-u").strip() != "0"
