"""Benchmarks run with the process tuning the app itself applies at start-up."""

from workstation.app.tuning import responsive_gil, tune_malloc

tune_malloc()
responsive_gil()
