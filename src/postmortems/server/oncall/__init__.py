"""On-call: schedules, escalation policies, pages and calendar feeds (the pure rules are in
``postmortems.oncall``; this app stores them, serves pages and the API, and pages people)."""
