"""Settings models (pydantic-settings) and user paths (platformdirs). No secrets here."""
