"""Command line: parse, build settings, call one function, map errors to exit codes."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    print("newmedia-audit: under construction", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
