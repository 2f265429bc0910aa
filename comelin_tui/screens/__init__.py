"""The wizard's screens (Textual)."""
