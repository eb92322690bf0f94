"""Where the app keeps its settings and store, and how requests reach them."""

from __future__ import annotations

import os

from flask import Flask, current_app
from peewee import Database

from appliance import config

SETTINGS_KEY = "CALLBOX_SETTINGS"
STORE_KEY = "callbox.store"
FLASK_ENV_PREFIX = "CALLBOX_FLASK_"


def load_settings() -> config.Settings:
    """Return the box settings from the environment, leaving out Flask's own variables."""
    # CALLBOX_FLASK_* configure Flask (app.config.from_prefixed_env), not the box:
    # appliance.config would reject them as unknown settings.
    env = {k: v for k, v in os.environ.items() if not k.startswith(FLASK_ENV_PREFIX)}
    return config.load(env=env)


def current_settings() -> config.Settings:
    """Return the settings of the running app."""
    settings: config.Settings = current_app.config[SETTINGS_KEY]
    return settings


def current_store() -> Database:
    """Return the store database of the running app."""
    database: Database = current_app.extensions[STORE_KEY]
    return database


def bind_store_to_requests(app: Flask) -> None:
    """Open a store connection for each request and close it after."""

    @app.before_request
    def _connect() -> None:
        """Open this thread's connection."""
        current_store().connect(reuse_if_open=True)

    @app.teardown_request
    def _close(_exc: BaseException | None) -> None:
        """Close this thread's connection."""
        database = current_store()
        if not database.is_closed():
            database.close()
