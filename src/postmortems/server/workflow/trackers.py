"""Open a GitHub issue or a Jira ticket for an action item, and store the link on the item."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from postmortems.server.config import ServerSettings
from postmortems.server.weburl import is_web_url
from postmortems.server.workflow import webhooks
from postmortems.server.workflow.errors import WorkflowError
from postmortems.server.workflow.models import ActionItem
from postmortems.server.workflow.notify import page_url

TIMEOUT = 10.0


def configured(conf: ServerSettings) -> list[str]:
    """The trackers this server can open tickets in."""
    found = []
    if conf.github_token and conf.github_repo:
        found.append("github")
    if conf.jira_url and conf.jira_token and conf.jira_project:
        found.append("jira")
    return found


def _post(url: str, token: str, payload: dict[str, Any]) -> dict[str, Any]:
    request = urllib.request.Request(
        url,
        data=json.dumps(payload).encode("utf-8"),
        method="POST",
        headers={
            "Authorization": f"Bearer {token}",
            "Accept": "application/json",
            "Content-Type": "application/json",
        },
    )
    try:
        with webhooks.urlopen(request, timeout=TIMEOUT) as response:
            data = json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as exc:
        raise WorkflowError(f"{url} answered HTTP {exc.code}", hint="check the token") from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise WorkflowError(f"cannot reach {url}: {exc}", hint="check the tracker URL") from None
    if not isinstance(data, dict):
        raise WorkflowError(f"{url} answered something that is not a JSON object")
    return data


def _body(item: ActionItem) -> str:
    lines = [item.text, "", f"From postmortem {item.postmortem.key}: {page_url(item.postmortem)}"]
    if item.owner:
        lines.append(f"Owner: @{item.owner}")
    if item.due:
        lines.append(f"Due: {item.due.isoformat()}")
    return "\n".join(lines)


def open_github_issue(item: ActionItem, conf: ServerSettings) -> str:
    url = f"{conf.github_api_url.rstrip('/')}/repos/{conf.github_repo}/issues"
    payload = {"title": item.text[:250], "body": _body(item), "labels": ["postmortem", item.kind]}
    data = _post(url, conf.github_token, payload)
    return str(data.get("html_url") or data.get("url") or "")


def open_jira_ticket(item: ActionItem, conf: ServerSettings) -> str:
    base = conf.jira_url.rstrip("/")
    fields = {
        "project": {"key": conf.jira_project},
        "summary": item.text[:250],
        "description": _body(item),
        "issuetype": {"name": "Task"},
        "labels": ["postmortem", item.kind],
    }
    data = _post(f"{base}/rest/api/2/issue", conf.jira_token, {"fields": fields})
    return f"{base}/browse/{data['key']}" if data.get("key") else ""


def open_ticket(item: ActionItem, tracker: str, conf: ServerSettings) -> str:
    """Create the ticket, store its link on ``item`` and return it."""
    if tracker not in configured(conf):
        raise WorkflowError(f"{tracker} is not configured", hint="see docs/settings.md")
    opener = open_github_issue if tracker == "github" else open_jira_ticket
    link = opener(item, conf)
    if not link:
        raise WorkflowError(f"{tracker} created a ticket but returned no link")
    if not is_web_url(link):
        raise WorkflowError(f"{tracker} answered with no usable ticket address: {link[:80]!r}")
    item.tracker_url = link
    item.save(update_fields=["tracker_url"])
    return link
