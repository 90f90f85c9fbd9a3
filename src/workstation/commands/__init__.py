"""The one command grammar shared by the GUI palette and the CLI.

``/em SPY 7`` in the palette and ``workstation em SPY 7`` on the command line
parse with the same specs and run the same code, returning a CommandResult.
"""
