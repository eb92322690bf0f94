"""Outbound campaigns, the domain: pacing modes, retries, calling windows, DNC, list import.

Pure Python: no pjsua2, Flask or peewee imports.  The engine builds a `CampaignState`
each tick and places the `Dial`s that `selection.next_calls` returns (docs/dialer.md).
"""
