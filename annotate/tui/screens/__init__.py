"""Screens and dialogs of the annotator's UI."""
