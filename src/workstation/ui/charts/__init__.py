"""Price charts: candlesticks, volume and market-structure overlays (pyqtgraph).

Every layer draws only what is visible and merges bars into one candle per
pixel column when zoomed out, so a repaint costs the same with a thousand or a
million bars loaded.
"""
