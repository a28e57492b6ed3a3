"""Widgets of the annotator's UI, one family per module."""
