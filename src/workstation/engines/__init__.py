"""Pure computation on domain types and numpy arrays: no I/O, no Qt."""
