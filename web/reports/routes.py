"""Report pages: figures and charts, call detail, exports, and the staffing forecast."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, render_template, request
from werkzeug.wrappers import Response

from appliance.reports import details, exports, summary
from appliance.reports import people as people_figures
from web import vendor
from web.auth.guards import role_required
from web.i18n import _
from web.reports import forecast, schemas, services

bp = Blueprint("reports", __name__, url_prefix="/reports")
ROLES = ("admin", "supervisor")
LIBRARIES = ("chart",)
Page = str | tuple[str, int]
MIME_TYPES = {"csv": "text/csv", "xlsx": "/".join(summary.MIME_TYPES["xlsx"])}


@bp.context_processor
def _helpers() -> dict[str, Any]:
    """Give the report templates the column headers, figure format and choices."""
    lang = services.language()
    return {
        "column": lambda key: exports.label(key, lang),
        "figure": schemas.figure,
        "stat_keys": exports.stat_keys(),
        "queue_options": services.queue_options(),
        "agent_options": services.agent_options(),
        "directions": schemas.DIRECTIONS,
        "outcomes": schemas.OUTCOMES,
        "periods": schemas.PERIODS,
        "missing": vendor.missing(*LIBRARIES),
        "started": lambda row: exports.started(row, ZoneInfo(services.timezone())),
    }


@bp.get("")
@role_required(*ROLES)
def index() -> Page:
    """Show the filter's figures per queue, agent and period, with charts."""
    form = services.read_filter(request.args)
    if form.report is None:
        return render_template("reports/index.html", form=form, groups=None), 400
    groups = summary.report_figures(form.report, form.period, services.timezone())
    charts = schemas.charts(groups["period"], summary.outcome_counts(groups["total"][""]))
    return render_template("reports/index.html", form=form, groups=groups, charts=charts)


@bp.get("/people")
@role_required(*ROLES)
def people() -> Page:
    """Show agents' time, first-call resolution, the IVR funnel and satisfaction."""
    form = services.read_filter(request.args)
    if form.report is not None and people_figures.too_long(form.report):
        form.errors["to"] = _("At most %(n)d days here: these figures are read from every event.",
                              n=people_figures.MAX_DAYS)  # fmt: skip
        return render_template("reports/people.html", form=form, figures=None), 400
    if form.report is None:
        return render_template("reports/people.html", form=form, figures=None), 400
    figures = people_figures.people_figures(form.report, services.timezone())
    exits = {"hung_up": _("caller hung up"), "ended": _("ended by the box"),
             "queue": _("to a queue"), "answered": _("answered"),
             "transfer": _("transferred")}  # fmt: skip
    return render_template("reports/people.html", form=form, figures=figures, exit_labels=exits)


@bp.get("/calls")
@role_required(*ROLES)
def calls() -> Page:
    """List the filter's calls newest first, a page at a time, recordings playable."""
    form = services.read_filter(request.args)
    if form.report is None:
        return render_template("reports/calls.html", form=form, listing=None), 400
    listing = details.page_of(form.report, form.page)
    return render_template("reports/calls.html", form=form, listing=listing)


@bp.get("/export.<file_format>")
@role_required(*ROLES)
def export(file_format: str) -> Response | Page:
    """Download the filter's report: CSV (kind=summary or calls) or XLSX (both sheets)."""
    kind = request.args.get("kind", "summary")
    if file_format not in MIME_TYPES or kind not in ("summary", "calls"):
        abort(404)
    form = services.read_filter(request.args)
    if form.report is None:
        return render_template("reports/index.html", form=form, groups=None), 400
    name, data = services.export(form, file_format, kind)
    disposition = f'attachment; filename="{name}"'
    return Response(data, mimetype=MIME_TYPES[file_format],
                    headers={"Content-Disposition": disposition})  # fmt: skip


@bp.get("/forecast")
@role_required(*ROLES)
def staffing() -> Page:
    """Show a queue's agents needed per half hour (Erlang C) beside those logged in."""
    form = forecast.read_form(request.args, services.today(), services.queue_options())
    if form.errors or form.goal is None:
        page = _forecast_page(form, None)
        return page, 400 if request.args else 200  # a box without queues: nothing was typed
    return _forecast_page(form, forecast.chart(form.goal, services.timezone()))


def _forecast_page(form: forecast.ForecastForm, chart: dict[str, Any] | None) -> str:
    """Render the forecast page (chart None: the form only)."""
    return render_template("reports/forecast.html", form=form, chart=chart, labels=forecast.LABELS)
