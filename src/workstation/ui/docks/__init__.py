"""Dock panels: each in its own package with view, model and controller."""
