"""The P&L panel: summary, calendar, groupings, trades and the net-liquidity bridge."""
