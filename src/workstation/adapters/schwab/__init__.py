"""Schwab Trader API: 3-legged OAuth, REST client, wire schemas and parsing, and the streamer."""
