"""Tastytrade: OAuth2 REST client, wire schemas and parsing, and the DXLink quote streamer."""
