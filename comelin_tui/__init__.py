"""comelin-tui: set up and prove a store's outgoing company email for Comelin."""

__version__ = "0.1.0"
