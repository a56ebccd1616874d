"""Where a scenario's time goes (guide_runner/timings.py): fast, no Docker."""

from __future__ import annotations

import os
import time

import pytest

from guide_runner import Kind, timings

pytestmark = pytest.mark.reads_pages()


def test_each_part_adds_up_and_the_rest_is_the_runners():
    clock = timings.Timings()
    with clock.part(timings.COMMANDS):
        time.sleep(0.05)
    with clock.part(timings.COMMANDS):
        time.sleep(0.05)
    time.sleep(0.05)  # between blocks: the runner's
    clock.stop()
    parts = clock.as_dict()
    assert list(parts) == list(timings.PARTS)
    assert 0.1 <= parts[timings.COMMANDS] < 0.2
    assert 0.05 <= parts[timings.RUNNER] < 0.15
    assert parts[timings.HIDDEN] == parts[timings.SERVER] == 0
    assert timings.own(parts) == parts[timings.COMMANDS]


def test_a_part_that_fails_still_counts():
    clock = timings.Timings()
    with pytest.raises(RuntimeError), clock.part(timings.HIDDEN):
        time.sleep(0.05)
        raise RuntimeError("the block failed")
    assert clock.as_dict()[timings.HIDDEN] >= 0.05


def test_every_kind_of_block_has_its_part():
    assert {timings.part_of(kind) for kind in Kind} == set(timings.OWN)


def test_cores_busy_counts_the_whole_machine():
    clock = timings.Timings()
    deadline = time.monotonic() + 0.5
    while time.monotonic() < deadline:  # one core busy
        pass
    clock.stop()
    assert 0.5 <= clock.cores_busy() <= os.cpu_count()
    assert clock.record()["cores"] == os.cpu_count()


def test_busy_cpu_seconds_reads_the_first_line_of_proc_stat(tmp_path):
    stat = tmp_path / "stat"
    ticks = os.sysconf("SC_CLK_TCK")
    # user nice system idle iowait irq softirq steal: idle and waiting are not busy.
    stat.write_text(f"cpu  {ticks} {ticks} {ticks} 9999 9999 {ticks} {ticks} {ticks} 0 0\ncpu0 ...\n")
    assert timings.busy_cpu_seconds(stat) == 6
    assert timings.busy_cpu_seconds(tmp_path / "missing") is None
