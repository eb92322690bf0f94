"""Check that a page rendered in Chinese shows no English left untranslated.

Usage in any page's test::

    from helpers_i18n import assert_translated
    assert_translated(client.get("/wallboard").get_data(as_text=True), allowed=["Wang Fang"])

What is checked: every visible text (text nodes outside script, style and template,
and the title, placeholder, aria-label, alt and data-* attributes a script shows) must
not be one of the catalog's English msgids (a string marked but not translated, or
shown outside the translation layer), and must not hold an English word at all unless
it is in `allowed` (data the test put there: names, queue names) — that catches
strings never wrapped in `_()`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from html.parser import HTMLParser
from pathlib import Path

from babel.messages.pofile import read_po

CATALOG = Path(__file__).parents[2] / "web/translations/zh_Hans_CN/LC_MESSAGES/messages.po"
HIDDEN = {"script", "style", "template"}
SHOWN_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt"}
ALWAYS_ALLOWED = {"callbox", "Chart.js", "htmx", "make web-assets"}  # names, a command
WORD = re.compile(r"[A-Za-z][A-Za-z'-]+")
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sdf]|%[sdf]")


class _Texts(HTMLParser):
    """Collect what a person sees (or a script shows) on a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Note hidden parts and keep shown attributes."""
        if tag in HIDDEN:
            self._hidden += 1
        for name, value in attrs:
            if value and (name in SHOWN_ATTRIBUTES or _shown_data(name, value)):
                self.texts.append(value)

    def handle_endtag(self, tag: str) -> None:
        """Leave a hidden part."""
        if tag in HIDDEN and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        """Keep visible text."""
        if not self._hidden and data.strip():
            self.texts.append(data)


def _shown_data(name: str, value: str) -> bool:
    """Return true for a data-* attribute holding words a script shows (not ids, URLs, JSON)."""
    if not name.startswith("data-") or value.lstrip().startswith(("{", "[", "/")):
        return False
    return " " in value.strip() or value.endswith(("…", "."))


def visible_texts(html: str) -> list[str]:
    """Return the page's visible texts, whitespace collapsed."""
    parser = _Texts()
    parser.feed(html)
    return [" ".join(t.split()) for t in parser.texts if t.strip()]


@functools.cache
def _msgid_patterns() -> list[tuple[str, re.Pattern[str]]]:
    """Return each translated English msgid of the catalog with a pattern matching it filled in."""
    with CATALOG.open("rb") as f:
        catalog = read_po(f)
    patterns = []
    for message in catalog:
        if not message.id or not isinstance(message.id, str):
            continue
        parts = PLACEHOLDER.split(message.id)
        patterns.append((message.id, re.compile(".+?".join(re.escape(p) for p in parts))))
    return patterns


def untranslated(html: str, allowed: Iterable[str] = ()) -> list[str]:
    """Return the visible texts of html that are still English."""
    allowed = [*allowed, *ALWAYS_ALLOWED]
    allowed_words = {w for text in allowed for w in WORD.findall(text)}
    found = []
    for text in visible_texts(html):
        if text in allowed:  # the test's own data, even when it reads like a msgid ("Support")
            continue
        msgids = [m for m, pattern in _msgid_patterns() if pattern.fullmatch(text)]
        english = [w for w in WORD.findall(text) if w not in allowed_words]
        if msgids or english:
            found.append(text)
    return found


def assert_translated(html: str, allowed: Iterable[str] = ()) -> None:
    """Fail with the English texts of a page rendered in Chinese, if any."""
    left = untranslated(html, allowed)
    assert not left, f"untranslated on the page: {left}"
