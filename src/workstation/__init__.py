"""Volaris Workstation: a local-first desktop trading workstation for options traders."""

__version__ = "0.1.0"
PRODUCT = "Volaris Workstation"
