"""Small widgets shared by the screens: translated text, labelled fields, the key bar."""

from .footer import KeyBar
from .menu import Menu
from .text import DigitsInput, Field, TitleBar, Tr, TrButton, plain
from .toggles import Radio, Toggle

__all__ = ["DigitsInput", "Field", "KeyBar", "Menu", "Radio", "TitleBar", "Toggle", "Tr", "TrButton", "plain"]
