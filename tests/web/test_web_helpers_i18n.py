"""The check that a Chinese page has no English left finds what it should, and only that."""

from __future__ import annotations

from helpers_i18n import untranslated


def test_the_translation_check_finds_english() -> None:
    assert untranslated("<p>Waiting</p><p>等待中</p>") == ["Waiting"]
    assert untranslated('<button title="Agent 7 is now: Ready.">x</button>') != []
    assert untranslated("<p>Never wrapped</p><script>var a = 'English';</script>") == [
        "Never wrapped"
    ]
    assert untranslated("<p>Wang Fang</p>", allowed=["Wang Fang"]) == []


def test_data_attributes_a_script_shows_are_checked_and_ids_are_not() -> None:
    page = '<p data-lost="Connection lost; retrying…" data-base="/live/calls/" data-op="monitor">'
    assert untranslated(page) == ["Connection lost; retrying…"]
    assert untranslated('<p data-charts=\'{"queues": ["Support"]}\'>') == []
