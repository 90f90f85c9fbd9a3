"""The Risk panel: portfolio greeks, the scenario grid, account rules and exit management."""
