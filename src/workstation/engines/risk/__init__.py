"""Risk engines: exposure, scenarios, day trades, settlement and exits."""
