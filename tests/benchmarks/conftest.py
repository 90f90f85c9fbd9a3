"""Benchmarks run with the allocator settings the app itself applies at start-up."""

from workstation.app.allocator import tune_malloc

tune_malloc()
