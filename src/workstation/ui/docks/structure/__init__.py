"""The Structure panel: price charts with liquidity levels, gaps, VWAP and events, live."""
