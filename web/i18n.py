"""Translation layer: Flask-Babel with the `zh_CN` and `en` catalogs in web/translations.

Language: the logged-in user's `User.language`, else the browser's Accept-Language,
else the box's `language` setting.  Babel expands `zh_CN` to its full CLDR name
`zh_Hans_CN` (Simplified Chinese, China) and looks for that catalog folder, so the
zh_CN catalog lives in `translations/zh_Hans_CN/`.  To update the catalogs::

    .venv/bin/pybabel extract -F web/babel.cfg -k _l --no-location --sort-output \
        --project callbox -o web/translations/messages.pot web
    .venv/bin/pybabel update -i web/translations/messages.pot -d web/translations --no-location
    # translate the new entries in web/translations/zh_Hans_CN/LC_MESSAGES/messages.po, then
    .venv/bin/pybabel compile -d web/translations
"""

from __future__ import annotations

from flask import Flask, current_app, g, request
from flask_babel import Babel, get_locale, gettext, lazy_gettext, ngettext

from web.context import SETTINGS_KEY

SUPPORTED_LANGUAGES = ("en", "zh_CN")

__all__ = ["SUPPORTED_LANGUAGES", "_", "gettext", "init_app", "lazy_gettext", "ngettext"]

_ = gettext


def select_language() -> str:
    """Return the language for this request."""
    user = g.get("user")
    if user is not None and user.language in SUPPORTED_LANGUAGES:
        return str(user.language)
    best = request.accept_languages.best_match(SUPPORTED_LANGUAGES)
    if best:
        return best
    configured = current_app.config[SETTINGS_KEY].language
    return configured if configured in SUPPORTED_LANGUAGES else "en"


def init_app(app: Flask) -> None:
    """Install Flask-Babel on app with callbox's language choice."""
    Babel(app, locale_selector=select_language, default_translation_directories="translations")
    app.context_processor(lambda: {"html_lang": html_lang})


def html_lang() -> str:
    """Return the page's `lang` attribute (BCP 47, e.g. zh-CN)."""
    locale = get_locale()
    return str(locale).replace("_", "-") if locale else "en"
