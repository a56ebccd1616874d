"""Tags an image for the rest of its run, as a test of a full run may: the
scenarios after it are reused all the same by the next `--changed` run, which
does not run this test again (test_runner.py, test_changed_reuses_...).
Not collected on its own: its name does not start with test_."""

import subprocess

import pytest

pytestmark = pytest.mark.docker
TAG = "rowbook-docs-test/tagged-during-a-run:1"


@pytest.fixture(scope="session")
def tagged():
    subprocess.run(["docker", "tag", "debian:bookworm-slim", TAG], check=True)
    yield
    subprocess.run(["docker", "rmi", "--no-prune", TAG], check=True, capture_output=True)


def test_tags_an_image_until_the_run_ends(tagged):
    assert subprocess.run(["docker", "image", "inspect", TAG], capture_output=True).returncode == 0
