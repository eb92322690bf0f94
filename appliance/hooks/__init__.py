"""Lifecycle hooks: executables per event run in name order, like run-parts (docs/hooks.md)."""

import logging

# The hooks log to their own file; a command without logging set up prints its own lines.
logging.getLogger(__name__).addHandler(logging.NullHandler())
