"""Helpers for the focus tests (no tests here): is the focused widget in view, and is it
drawn as focused without relying on colour?

"In view": the widget's region on screen is inside the screen and inside the visible
part of every scrolling container around it (not clipped, not scrolled away).
"Drawn as focused": the cells the widget covers differ with and without the focus, once
the colours are taken away (NO_COLOR: only text, border characters, bold, reverse,
underline... count), and once the colours are brought down to the 16 of a basic
terminal.
"""

from __future__ import annotations

from typing import Any

from rich.color import ColorSystem
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widget import Widget

Cells = tuple[tuple[Any, ...], ...]


def out_of_view(widget: Widget) -> str | None:
    """Why *widget* is not wholly in view, or None when it is.

    The compositor's clip for a widget is the part of the screen every container around
    it shows: the widget is in view when its region lies inside that clip and inside
    the screen. A widget taller than its container (a long text) must show its first
    line at least."""
    from textual.errors import NoWidget

    try:
        geometry = widget.screen.find_widget(widget)
    except NoWidget:
        return f"{widget!r} is not on screen (hidden, or scrolled out of its container)"
    region, clip = geometry.region, geometry.clip.intersection(widget.screen.region)
    if not region.area:
        return f"{widget!r} has no area on screen ({region})"
    if region.height > clip.height:
        region = Region(region.x, region.y, region.width, 1)
    if not clip.contains_region(region):
        return f"{widget!r} at {region} is cut: only {clip} is shown there"
    return None


def _style_key(style: Any, colours: str) -> tuple[Any, ...]:
    if style is None:
        return ()
    marks = (style.bold, style.dim, style.italic, style.underline, style.reverse,
             style.strike, style.overline)
    if colours == "none":
        return marks
    def down(colour: Any) -> Any:
        return None if colour is None else colour.downgrade(ColorSystem.STANDARD).number
    return (*marks, down(style.color), down(style.bgcolor))


def cells(pilot: Pilot[Any], widget: Widget, colours: str) -> Cells:
    """What the widget's cells on screen look like: text and style, colour by *colours*
    ("none": no colour at all; "16": the basic terminal's 16)."""
    region = widget.region.intersection(widget.screen.region)
    strips = widget.screen._compositor.render_strips()
    rows = []
    for y in range(region.y, region.bottom):
        strip = strips[y].crop(region.x, region.right)
        row = []
        for segment in strip:
            text, style, _ = segment
            key = _style_key(style, colours)
            row.extend((char, key) for char in text)
        rows.append(tuple(row))
    return tuple(rows)


async def focus_drawn(pilot: Pilot[Any], widget: Widget) -> dict[str, bool]:
    """For "none" and "16" colours: does the widget look different with the focus?"""
    await pilot.pause()
    focused = {mode: cells(pilot, widget, mode) for mode in ("none", "16")}
    widget.screen.set_focus(None, scroll_visible=False)
    await pilot.pause()
    blurred = {mode: cells(pilot, widget, mode) for mode in ("none", "16")}
    widget.screen.set_focus(widget, scroll_visible=False)
    await pilot.pause()
    return {mode: focused[mode] != blurred[mode] for mode in focused}
