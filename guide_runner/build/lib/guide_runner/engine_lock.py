"""One test run per Docker engine at a time.

The leak check diffs the whole engine, and the pages use the names a reader
types (`rowbook`, the Compose project `rowbook`): two runs on one engine fail
each other with "name already in use" or blame each other's containers. So a
run that uses Docker first takes a lock named after the engine, and a second
run waits for the first one, saying so, instead of failing half-way.

`scripts/test.sh` takes it for its whole run (image builds included) and sets
GUIDE_RUNNER_ENGINE_LOCK, so the pytest it starts does not wait for itself; a
pytest that takes it sets the same, for the pytest runs its tests start.
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import IO

HELD = "GUIDE_RUNNER_ENGINE_LOCK"


def lock_path() -> Path:
    run = subprocess.run(["docker", "info", "--format", "{{.ID}}"], capture_output=True, text=True)
    engine = run.stdout.strip().replace(":", "") or "default"
    return Path(tempfile.gettempdir()) / f"guide-runner-engine-{engine}.lock"


def acquire(say=print) -> IO[str] | None:
    """Wait for the engine's lock and hold it while the returned file stays open.
    None when this process's parent already holds it."""
    if os.environ.get(HELD):
        return None
    handle = open(lock_path(), "a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or "another run"
        say(f"waiting for another test run on this Docker engine to finish ({holder})")
        started = time.monotonic()
        fcntl.flock(handle, fcntl.LOCK_EX)
        say(f"the other test run finished after {time.monotonic() - started:.0f} s; starting")
    handle.truncate(0)
    handle.write(f"pid {os.getpid()}, {' '.join(sys.argv)[:200]}, since {time.strftime('%H:%M:%S')}\n")
    handle.flush()
    os.environ[HELD] = "1"  # inherited by the runs this one starts: they must not wait for it
    return handle
