"""Tag colours: the project's own, else one from a fixed palette by position."""

from __future__ import annotations

from textual.color import Color, ColorParseError

from annotate.model import Project

FALLBACK_COLORS = ["#e5534b", "#3b8eea", "#57ab5a", "#c69026", "#b083f0", "#39c5cf",
                   "#f47067", "#8ddb8c", "#dcbdfb", "#f69d50"]
"""Colours for tags that name none (or name one that cannot be parsed)."""


def tag_colors(project: Project) -> dict[str, Color]:
    """Each tag's display colour, by tag id."""
    colors: dict[str, Color] = {}
    for position, tag in enumerate(project.tags):
        fallback = Color.parse(FALLBACK_COLORS[position % len(FALLBACK_COLORS)])
        try:
            colors[tag.id] = Color.parse(tag.color) if tag.color else fallback
        except ColorParseError:
            colors[tag.id] = fallback
    return colors


SWATCH = "■"
"""The glyph drawn in a tag's colour beside its name."""
