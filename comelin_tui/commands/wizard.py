"""The default command: the Textual wizard (the only path that imports Textual)."""

from __future__ import annotations

import argparse


def run(args: argparse.Namespace) -> int:
    print("The wizard is not built yet.")
    return 0
