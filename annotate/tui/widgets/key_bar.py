"""A one-line key bar: the screen's shown bindings, dimmed when unavailable.

Textual's Footer rebuilds a widget per key whenever availability changes, which costs tens of
milliseconds; availability here changes on most keys (a selection appears, the sentence has
annotations or not), so this bar redraws one line of text instead.
"""

from __future__ import annotations

from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.style import Style
from textual.widgets import Static

LEADING_ACTIONS = ("quit", "app.quit", "help", "app.help")
"""Actions whose keys come first in the bar."""


class KeyBar(Static):
    """Each shown binding's key and description; grouped bindings share one description."""

    DEFAULT_CSS = """
    KeyBar { height: 1; background: $footer-background; color: $footer-foreground; }
    """

    def on_mount(self) -> None:
        """Redraw whenever the screen's bindings change."""
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self.show_keys()

    def _bindings_changed(self, screen: Screen[object]) -> None:
        self.show_keys()

    def show_keys(self) -> None:
        """Draw the keys of the screen's active bindings."""
        key_style = Style(bold=True)
        items: list[tuple[list[str], str, bool]] = []
        groups: dict[Binding.Group, int] = {}
        actions: set[str] = set()
        active_bindings = list(self.screen.active_bindings.values())
        # quit and help first, so they stay visible on a narrow terminal
        active_bindings.sort(key=lambda active: active.binding.action not in LEADING_ACTIONS)
        for active in active_bindings:
            binding = active.binding
            if not binding.show or binding.system or binding.action in actions:
                continue
            actions.add(binding.action)  # one key per action: "j", not "j" and "down"
            key = self.app.get_key_display(binding)
            if binding.group is not None and binding.group in groups:
                keys, description, enabled = items[groups[binding.group]]
                keys.append(key)
                items[groups[binding.group]] = (keys, description, enabled or active.enabled)
                continue
            if binding.group is not None:
                groups[binding.group] = len(items)
            description = binding.group.description if binding.group else binding.description
            items.append(([key], description, active.enabled))
        parts: list[str | tuple[str, str | Style]] = []
        for keys, description, enabled in items:
            dim = Style(dim=not enabled)
            parts += [(" " + " ".join(keys), key_style + dim), (f" {description} ", dim)]
        self.update(Content.assemble(*parts), layout=False)
