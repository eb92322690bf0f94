"""The callbox web process: Flask app factory (served by gunicorn as `web:create_app()`)."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, redirect, url_for
from werkzeug.wrappers import Response

from appliance import config
from appliance.prompts.const import MAX_UPLOAD_BYTES
from appliance.store import migrations
from appliance.store.manager import open_store
from web import exceptions, i18n, security
from web.context import SETTINGS_KEY, STORE_KEY, bind_store_to_requests, load_settings
from web.secret import load_secret_key

log = logging.getLogger(__name__)

# Flask defaults already set HttpOnly; SameSite=Lax keeps the session cookie off
# cross-site POSTs (the login form also carries a CSRF token).  Secure: web/security.py.
APP_DEFAULTS: dict[str, Any] = {
    "SESSION_COOKIE_NAME": "callbox_session",
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    # Werkzeug refuses a bigger body before reading it (413): the largest upload is a
    # prompt (appliance/prompts/const.py MAX_UPLOAD_BYTES), plus room for the form.
    "MAX_CONTENT_LENGTH": MAX_UPLOAD_BYTES + 2**20,
    "SSE_KEEPALIVE_SECONDS": 15.0,
    "SSE_RETRY_MILLISECONDS": 5000,
}


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Return the configured web application."""
    test_config = dict(test_config or {})
    settings = test_config.pop(SETTINGS_KEY, None) or load_settings()
    app = Flask(__name__)
    app.config.update(APP_DEFAULTS)
    app.config[SETTINGS_KEY] = settings
    app.config.update(security.cookie_config(settings))
    app.config["SECRET_KEY"] = load_secret_key(settings)
    app.config.from_prefixed_env("CALLBOX_FLASK")
    app.config.update(test_config)
    app.json.sort_keys = False  # type: ignore[attr-defined]  # keep the documented field order
    _open_store(app, settings)
    i18n.init_app(app)
    exceptions.init_app(app)
    security.init_app(app)
    _register_blueprints(app)
    return app


def _open_store(app: Flask, settings: config.Settings) -> None:
    """Bind the models to the store without migrating (the supervisor migrates)."""
    database = open_store(settings, migrate=False)
    if migrations.pending(database):
        log.warning("the store has pending migrations; run `callbox migrate` (web does not)")
    app.extensions[STORE_KEY] = database
    bind_store_to_requests(app)


def _register_blueprints(app: Flask) -> None:
    """Register one blueprint per area."""
    from web.admin.flow_routes import bp as admin_bp  # the admin routes and the IVR editor's
    from web.agent.bookings import bp as agent_bookings_bp
    from web.agent.campaign import bp as agent_campaign_bp
    from web.agent.people import bp as agent_people_bp
    from web.agent.routes import bp as agent_bp
    from web.api.routes import bp as api_bp
    from web.auth.routes import bp as auth_bp
    from web.branding.routes import bp as branding_bp
    from web.dialer.plugin import bp as dialer_bp
    from web.health.routes import bp as health_bp
    from web.live.routes import bp as live_bp
    from web.operations.routes import bp as operations_bp
    from web.phones.routes import bp as phones_bp
    from web.qa.routes import bp as qa_bp
    from web.recordings.routes import bp as recordings_bp
    from web.reports.schedule_routes import bp as reports_bp  # the report pages and schedules'
    from web.reseller.api import bp as reseller_api_bp
    from web.reseller.confine import confine_resellers
    from web.reseller.routes import bp as reseller_bp
    from web.setup.routes import bp as setup_bp
    from web.voicemail.routes import bp as voicemail_bp
    from web.wallboard.routes import bp as wallboard_bp

    for blueprint in (auth_bp, setup_bp, live_bp, api_bp, operations_bp, recordings_bp, health_bp):
        app.register_blueprint(blueprint)
    app.register_blueprint(wallboard_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(agent_bp)
    app.register_blueprint(agent_people_bp)
    app.register_blueprint(agent_bookings_bp)
    app.register_blueprint(agent_campaign_bp)
    app.register_blueprint(dialer_bp)
    app.register_blueprint(voicemail_bp)
    app.register_blueprint(qa_bp)
    app.register_blueprint(phones_bp)
    app.register_blueprint(branding_bp)
    app.register_blueprint(reseller_bp)
    app.register_blueprint(reseller_api_bp)
    app.before_request(confine_resellers)  # after auth's: it needs the session's user
    app.add_url_rule("/", "index", _index)


def _index() -> Response:
    """Send visitors to the live page."""
    return redirect(url_for("live.index"))
