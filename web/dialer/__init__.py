"""The dialer's pages: campaigns, their lists and figures, do-not-call lists (docs/dialer.md)."""
