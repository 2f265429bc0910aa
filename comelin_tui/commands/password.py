"""`comelin-tui password` (placeholder until implemented)."""

from __future__ import annotations

import argparse


def add_parser(sub: argparse._SubParsersAction, name: str) -> None:
    from ..cli import add_common_arguments

    add_common_arguments(sub.add_parser(name))


def run(args: argparse.Namespace) -> int:
    print("not implemented yet")
    return 3
