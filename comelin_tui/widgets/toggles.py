"""Checkbox and radio button whose state reads without colour: ``[x]`` / ``[ ]``, ``(*)``.

Textual's own draw the same glyph on and off and tell them apart by colour
only, which is lost with ``NO_COLOR`` and hard to see in 16 colours.
"""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Checkbox, RadioButton


class Toggle(Checkbox):
    """A checkbox drawn ``[x]`` when on and ``[ ]`` when off."""

    @property
    def _button(self) -> Content:
        style = self.get_visual_style("toggle--button")
        return Content.assemble("[", ("x" if self.value else " ", style), "]")


class Radio(RadioButton):
    """A radio button drawn ``(*)`` when chosen and ``( )`` otherwise."""

    @property
    def _button(self) -> Content:
        style = self.get_visual_style("toggle--button")
        return Content.assemble("(", ("*" if self.value else " ", style), ")")
