"""CLI subcommands: each module has ``add_parser(subparsers, name)`` and ``run(args)``."""
