"""Composition root: wires concrete adapters, storage and services; owns the loop."""
