"""P&L assembly: per-strategy results, periods, groupings, net-liquidity bridge."""
