"""What an alert says beyond its summary, as a responder reads it: its description, its runbook
and dashboard links (http(s) only), its labels and its other annotations. Shown on the alert's
page and under its entry on the incident's timeline, to whoever may see the alert
(:func:`.rights.alerts`)."""

from __future__ import annotations

from dataclasses import dataclass

from postmortems.server.incidents.models import Alert
from postmortems.server.weburl import is_web_url

# The annotations that describe an alert (Prometheus rules write `description`; Grafana's older
# alerts `message`), that link its runbook, and that link a dashboard (Grafana's own links are
# kept as its payload names them: `dashboardURL`, `panelURL`).
DESCRIPTIONS = ("description", "message")
RUNBOOKS = ("runbook_url", "runbook", "runbookURL", "runbook_link")
DASHBOARDS = {
    "dashboard_url": "Dashboard",
    "dashboard": "Dashboard",
    "dashboardURL": "Dashboard",
    "grafana_url": "Dashboard",
    "panelURL": "Panel",
}
LONGEST_LINK = 2000


@dataclass(frozen=True, slots=True)
class AlertDetails:
    alert: Alert
    description: str  # "" when it has none, or it says only the summary
    runbook: str  # an http(s) address, or ""
    links: tuple[tuple[str, str], ...]  # (label, http(s) address): dashboards, the source
    labels: tuple[tuple[str, str], ...]
    annotations: tuple[tuple[str, str], ...]  # the others, as sent

    @property
    def said(self) -> bool:
        """Whether there is anything to show beyond the summary."""
        return bool(self.description or self.runbook or self.links or self.labels)


def _web(value: str) -> str:
    return value if is_web_url(value, longest=LONGEST_LINK) else ""


def details(alert: Alert) -> AlertDetails:
    """``alert``'s details. An annotation that should be a link but is no http(s) address is
    listed with the others, as text: never a link."""
    notes = {str(k): str(v) for k, v in (alert.annotations or {}).items()}
    used = {"summary"}
    description = next((notes[k] for k in DESCRIPTIONS if notes.get(k, "").strip()), "")
    used.update(k for k in DESCRIPTIONS if notes.get(k) == description)
    if description.strip() == alert.summary.strip():
        description = ""
    runbook = next((_web(notes[k]) for k in RUNBOOKS if _web(notes.get(k, ""))), "")
    used.update(k for k in RUNBOOKS if notes.get(k) == runbook and runbook)
    links: dict[str, str] = {}
    for key, label in DASHBOARDS.items():
        address = _web(notes.get(key, ""))
        if address and label not in links:  # a second one stays with the others
            links[label] = address
            used.add(key)
    if alert.web_link:
        links["Source"] = alert.web_link
    return AlertDetails(
        alert=alert,
        description=description,
        runbook=runbook,
        links=tuple(links.items()),
        labels=tuple(sorted((str(k), str(v)) for k, v in (alert.labels or {}).items())),
        annotations=tuple(sorted((k, v) for k, v in notes.items() if k not in used)),
    )
