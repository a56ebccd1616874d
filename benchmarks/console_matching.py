"""What comparing a command's output costs, now that stdout and stderr are
read apart and any interleaving of the two may match (guide_runner/console.py).

For outputs of growing length: the time of a match in the order that came
(one regular expression, as before), and of a match that needs the search
over interleavings (the warning shown first, sent last), median of 5. Prints
a table. Not a test. No Docker.

    .venv/bin/python benchmarks/console_matching.py
"""

from __future__ import annotations

import statistics
import time

from guide_runner import console


def median_ms(function, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    print(f"{'stdout lines':>12}  {'shown with ...':>14}  {'in order (ms)':>13}  {'interleaved (ms)':>16}  result")
    for lines in (2, 20, 200, 600, 2000):
        out = "".join(f"ok: step {n} done\n" for n in range(lines))
        err = "warning: 2 migrations not applied\n"
        for ellipsis in (False, True):
            shown = err + ("ok: step 0 done\n...\n" if ellipsis else out)
            in_order = median_ms(lambda: console.matches(shown, err + out, (out, err)))
            interleaved = median_ms(lambda: console.matches(shown, out + err, (out, err)))
            result = console.matches(shown, out + err, (out, err))
            print(f"{lines:>12}  {'yes' if ellipsis else 'no':>14}  {in_order:>13.2f}  {interleaved:>16.2f}  "
                  f"{'match' if result else 'no match (over the search limit)'}")


if __name__ == "__main__":
    main()
