"""Default symbol lists (kept free of heavy imports: the window uses them before first paint)."""

DEFAULT_INDICES = ("SPX", "NDX", "DJI", "RUT", "VIX")
DEFAULT_WATCHLIST = ("SPY", "QQQ", "IWM", "AAPL", "MSFT", "NVDA", "TSLA", "AMZN")
# A seed whose simulated 2026 looks like an ordinary year (SPX up ~7 %, VIX mid-teens).
DEFAULT_DEMO_SEED = 55
