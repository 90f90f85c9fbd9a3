"""The Alerts panel: every alert raised, newest first, with what fired and the suggested setup."""
