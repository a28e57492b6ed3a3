"""Keyboard-driven terminal tool for source criticism."""

__version__ = "0.1.0"
