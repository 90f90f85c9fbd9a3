"""The Accounts panel: every broker link, its state and login countdown, and the reconciliation."""
