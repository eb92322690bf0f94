"""Errors of the SIP edge, each a one-line message telling the operator what to do."""

from __future__ import annotations


class SipEdgeError(Exception):
    """The SIP edge cannot be prepared or started; the message says why and what to do."""
