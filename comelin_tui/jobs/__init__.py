"""What a user asks for, done once for every view (TUI, CLI, relay). Textual-free."""
