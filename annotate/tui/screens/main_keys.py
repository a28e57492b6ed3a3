"""The annotation screen's key bindings; each has an id, so a keymap can remap it."""

from __future__ import annotations

from dataclasses import replace

from textual.binding import Binding, BindingType

MOVE = Binding.Group("Move")
SELECT = Binding.Group("Select")

_KEYS: list[Binding] = [
    Binding("j,down", "sentence_next", "Next", id="sentence.next", group=MOVE,
            tooltip="Next sentence"),
    Binding("k,up", "sentence_previous", "Previous", id="sentence.previous", group=MOVE,
            tooltip="Previous sentence"),
    Binding("g,home", "sentence_first", "First", id="sentence.first", show=False),
    Binding("G,end", "sentence_last", "Last", id="sentence.last", show=False),
    Binding("right_square_bracket", "unreviewed_next", "Next unreviewed",
            id="sentence.next_unreviewed", show=False),
    Binding("left_square_bracket", "unreviewed_previous", "Previous unreviewed",
            id="sentence.previous_unreviewed", show=False),
    Binding("colon", "goto", "Go to sentence", id="sentence.goto", show=False),
    Binding("space", "review", "Reviewed+next", id="sentence.review",
            tooltip="Mark the sentence reviewed and move to the next"),
    Binding("x", "unreview", "Unmark reviewed", id="sentence.unreview", show=False),
    Binding("l,right", "word_next", "Next word", id="cursor.next", show=False),
    Binding("h,left", "word_previous", "Previous word", id="cursor.previous", show=False),
    Binding("L,shift+right", "extend_next", "Select", id="selection.extend_next",
            group=SELECT, tooltip="Extend the selection by a word to the right"),
    Binding("H,shift+left", "extend_previous", "Select", id="selection.extend_previous",
            group=SELECT, tooltip="Extend the selection by a word to the left"),
    Binding("right_parenthesis,ctrl+shift+right", "clause_next", "Select clause",
            id="selection.clause_next", show=False),
    Binding("left_parenthesis,ctrl+shift+left", "clause_previous", "Select clause back",
            id="selection.clause_previous", show=False),
    Binding("escape", "clear", "Clear selection", id="selection.clear", show=False),
    Binding("tab", "annotation_next", "Next annotation", id="annotation.next", show=False),
    Binding("shift+tab", "annotation_previous", "Previous annotation",
            id="annotation.previous", show=False),
    Binding("enter", "annotation_edit", "Edit", id="annotation.edit"),
    Binding("d", "annotation_delete", "Delete", id="annotation.delete", show=False),
    Binding("u", "undo", "Undo", id="edit.undo"),
    Binding("ctrl+r", "redo", "Redo", id="edit.redo", show=False),
    Binding("slash", "search", "Search", id="search.open"),
    Binding("n", "search_next", "Next match", id="search.next", show=False),
    Binding("N", "search_previous", "Previous match", id="search.previous", show=False),
]

# Every key of the screen is a priority binding: it runs when the app reads it, in the order
# typed, before the keys behind it are passed on. Otherwise a burst ("/plan" and enter, from a
# paste or tmux send-keys) reaches the screen before "/" has opened the prompt.
NAVIGATION_BINDINGS: list[BindingType] = [replace(binding, priority=True) for binding in _KEYS]
