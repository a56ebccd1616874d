"""One part of the suite for one machine: `pytest --shard K/N`.

Every machine collects the same tests and deals them out the same way, so
the N parts together are the whole suite, each test in exactly one part:

- tests that must run together stay together (`parallel.scope_of`: a test
  module, whose module fixtures start a stack or a test server once; the
  scenarios that change the test host);
- the parts are balanced by the durations committed in the project
  (`durations` in [tool.guide_runner]), longest first onto the part with the
  least so far. Never by a machine's own stored passes: those differ from
  machine to machine, and two machines would deal differently, running a
  test twice or never;
- ties are broken by name, not by the order of collection.

`python -m guide_runner.shards merge OUT DIR...` makes one report of the
parts' reports (coverage.json and coverage.txt): each block as a single run
would count it.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from . import parallel

UNKNOWN_SECONDS = 1.0  # a test with no committed duration: dealt out by count


@dataclass(frozen=True)
class Shard:
    index: int  # 1 to count
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def parse(value: str) -> Shard:
    """`K/N`, 1 <= K <= N; ValueError saying what is wrong."""
    index, slash, count = value.partition("/")
    if not (slash and index.isdigit() and count.isdigit()):
        raise ValueError(f"--shard {value!r}: write it as K/N, this part and how many, e.g. --shard 1/2")
    shard = Shard(int(index), int(count))
    if not 1 <= shard.index <= shard.count:
        raise ValueError(f"--shard {value!r}: the part must be from 1 to {shard.count}")
    return shard


def deal(seconds_by_scope: dict[str, float], count: int) -> dict[str, int]:
    """Each scope's part (1 to count): longest first, onto the least loaded
    part (the lowest numbered of equals)."""
    loads = [0.0] * count
    parts = {}
    for scope in sorted(seconds_by_scope, key=lambda scope: (-seconds_by_scope[scope], scope)):
        part = min(range(count), key=lambda n: (loads[n], n))
        parts[scope] = part + 1
        loads[part] += seconds_by_scope[scope]
    return parts


def select(items: list, shard: Shard, committed: Path | None) -> tuple[list, list]:
    """(the items of this part, the others), each list in collection order."""
    seconds = parallel.stored_seconds({}, committed) if committed else {}
    scopes = parallel.by_scope(items)
    parts = deal({scope: parallel.scope_seconds(members, seconds, UNKNOWN_SECONDS)
                  for scope, members in scopes.items()}, shard.count)
    ours = {item.nodeid for scope, members in scopes.items() if parts[scope] == shard.index for item in members}
    return [item for item in items if item.nodeid in ours], [item for item in items if item.nodeid not in ours]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m guide_runner.shards")
    commands = parser.add_subparsers(dest="command", required=True)
    merging = commands.add_parser("merge", help="one coverage report of the parts' reports folders")
    merging.add_argument("out", type=Path, help="the folder to write coverage.json and coverage.txt to")
    merging.add_argument("parts", type=Path, nargs="+", help="each part's reports folder")
    args = parser.parse_args(argv)
    try:
        reports = [json.loads((part / "coverage.json").read_text()) for part in args.parts]
    except (OSError, ValueError) as error:
        print(f"guide_runner.shards: cannot read a part's coverage.json: {error}", file=sys.stderr)
        return 2
    from .report import Coverage, ReportMismatch  # noqa: PLC0415

    try:
        coverage = Coverage.merged(reports)
    except ReportMismatch as error:
        print(f"guide_runner.shards: {error}", file=sys.stderr)
        return 2
    written = coverage.write(args.out)
    data = json.loads(written[1].read_text()) | {"runs": [report.get("run") for report in reports]}
    written[1].write_text(json.dumps(data, indent=2) + "\n")
    print(coverage.table(), end="")
    print(f"written to {', '.join(map(str, written))}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
