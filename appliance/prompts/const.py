"""Limits, names and sources of custom prompts."""

from __future__ import annotations

import re
from enum import StrEnum

from appliance.prompts.catalog import VOICES

LANGUAGES = tuple(VOICES)  # folders under <paths.prompts>, each with an espeak-ng voice
MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # an upload larger than this is refused unread
MAX_SECONDS = 300.0  # the longest prompt: five minutes (uploads and phone recordings)
MAX_TEXT = 1000  # characters of text-to-speech
NAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
NAME_RULE = "1–64 lowercase letters, digits, '-' or '_', starting with a letter or digit"
# Leading and trailing silence below 0.5 % of full scale is cut from phone recordings.
_CUT_START = ["silence", "1", "0.05", "0.5%"]
TRIM_SILENCE = [*_CUT_START, "reverse", *_CUT_START, "reverse"]


class Source(StrEnum):
    """Where a custom prompt's audio came from."""

    UPLOAD = "upload"
    TTS = "tts"
    PHONE = "phone"
