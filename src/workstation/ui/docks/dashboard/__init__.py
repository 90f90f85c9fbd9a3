"""Dashboard: market indices and watchlist quotes with change and staleness."""
