"""The browser process a scenario's outcome checks share.

Each check used to start Playwright and Chromium and stop them again: about
0.8 s of the 1.8 s a check takes. A scenario with an outcome check now
starts one `python -m guide_runner.browser --serve` when it starts, while its
first commands run, and keeps it until its clean-up, so its checks only sign
in and look. It stays a process of its own, as before: Playwright's event loop stays out of
pytest's, and a check that hangs is stopped by ending that process.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path


class BrowserWorker:
    def __init__(self):
        self._process: subprocess.Popen | None = None
        self._answers: queue.Queue = queue.Queue()
        self._stderr = None

    def start(self) -> None:
        """Start the process (and a Chromium) now, so the first check need not wait for it."""
        if self._process is None or self._process.poll() is not None:
            self._start()

    def check(self, argv: list[str], cwd: Path, timeout: float) -> tuple[int, str]:
        """(0, what the browser saw) or (1, "outcome not reached: why")."""
        self.start()
        try:
            self._process.stdin.write(json.dumps({"argv": argv, "cwd": str(cwd)}) + "\n")
            self._process.stdin.flush()
            answer = self._answers.get(timeout=timeout)
        except queue.Empty:
            self.close()
            return 1, f"outcome not reached: the browser gave no answer in {timeout:.0f} s"
        except BrokenPipeError:
            answer = None
        if answer is None:  # the process ended: say what it printed last
            why = self._stderr_tail()
            self.close()
            return 1, f"outcome not reached: the browser process ended\n{why}"
        return answer["status"], answer["out"]

    def _start(self) -> None:
        self.close()
        self._answers = queue.Queue()
        self._stderr = tempfile.TemporaryFile(mode="w+")
        self._process = subprocess.Popen([sys.executable, "-m", "guide_runner.browser", "--serve"],
                                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr,
                                         text=True, start_new_session=True)
        threading.Thread(target=self._read_answers, args=(self._process, self._answers), daemon=True).start()

    @staticmethod
    def _read_answers(process: subprocess.Popen, answers: queue.Queue) -> None:
        for line in process.stdout:
            answers.put(json.loads(line))
        answers.put(None)

    def _stderr_tail(self, lines: int = 10) -> str:
        if self._stderr is None:
            return ""
        self._stderr.seek(0)
        return "\n".join(self._stderr.read().strip().splitlines()[-lines:])

    def close(self) -> None:
        """End the process and its Chromium: gently (stdin closed), then by force."""
        process, self._process = self._process, None
        if process is not None:
            try:
                process.stdin.close()
                process.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                pass
            if process.poll() is None:
                try:
                    os.killpg(process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                process.wait()
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None
