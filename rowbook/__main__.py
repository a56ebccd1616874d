"""`python -m rowbook` is the same as the `rowbook` command."""

from rowbook.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
