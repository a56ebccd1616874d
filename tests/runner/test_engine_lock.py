"""A second test run on the same Docker engine waits for the first one."""

import os
import subprocess
import sys
import tempfile
import time

import pytest

from guide_runner import engine_lock

# Reads no page of docs/ (its pages are tests/runner/pages): --changed does not run it for a page change.
pytestmark = pytest.mark.reads_pages()

HOLD_FOR_2_S = """
import time
from guide_runner import engine_lock
handle = engine_lock.acquire()
print("held", flush=True)
time.sleep(2)
"""


def test_a_second_run_waits_for_the_first_and_says_whose_lock_it_waits_for(monkeypatch, tmp_path):
    # A lock of the test's own (in its TMPDIR): the real one is held by the run this test is part of.
    monkeypatch.delenv(engine_lock.HELD, raising=False)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    env = {k: v for k, v in os.environ.items() if k != engine_lock.HELD} | {"TMPDIR": str(tmp_path)}
    first = subprocess.Popen([sys.executable, "-c", HOLD_FOR_2_S], stdout=subprocess.PIPE, text=True, env=env)
    assert first.stdout.readline().strip() == "held"
    said = []
    started = time.monotonic()
    handle = engine_lock.acquire(said.append)
    waited = time.monotonic() - started
    handle.close()
    first.wait(10)
    assert waited > 1
    assert said[0].startswith("waiting for another test run on this Docker engine to finish (pid ")
    assert said[1].startswith("the other test run finished after")


def test_a_run_started_by_scripts_test_sh_does_not_wait_for_its_own_lock(monkeypatch):
    monkeypatch.setenv(engine_lock.HELD, "1")
    assert engine_lock.acquire() is None


def test_a_run_that_takes_the_lock_lets_the_runs_it_starts_through(monkeypatch, tmp_path):
    # A test that starts `pytest docs/...` must not wait for the run it is part of.
    monkeypatch.delenv(engine_lock.HELD, raising=False)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    handle = engine_lock.acquire()
    try:
        child = subprocess.run([sys.executable, "-c", "from guide_runner import engine_lock; print(engine_lock.acquire())"],
                               capture_output=True, text=True, timeout=10)
    finally:
        handle.close()
    assert child.stdout.strip() == "None"
