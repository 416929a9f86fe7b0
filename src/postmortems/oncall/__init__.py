"""On-call: schedules evaluated in time, schedules as code, calendar feeds and escalation.

A pure package (no Django): the server app `server/oncall` stores and serves these values, the
`pm oncall` commands read them from YAML files. See docs/oncall.md.
"""
