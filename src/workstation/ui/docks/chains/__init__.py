"""Option chain panel: calls | strike | puts for one expiration, live."""
