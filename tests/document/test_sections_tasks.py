"""Which list of a measures section is the specific TODO list."""

from __future__ import annotations

import pytest

from postmortems.document import parse
from postmortems.document.model import ActionItem


def tasks(body: str) -> list[str]:
    doc = parse(
        f"## Timeline\n\n- 10:00 - down\n\n## Corrective and Preventative Measures\n\n{body}"
    )
    return [a.text for a in doc.action_items]


def action_items(body: str) -> tuple[ActionItem, ...]:
    return parse(f"## Action items\n\n{body}").action_items


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param(
            "Improvements/Fixes:\n- Better monitoring\n- More reviews\n\n"
            "Tasks:\n- Patch Nginx\n- Add a memory alert\n- Document the rollback\n",
            ["Patch Nginx", "Add a memory alert", "Document the rollback"],
            id="a tasks list is preferred to broad improvements",
        ),
        pytest.param(
            "### Immediate actions (completed)\n\n- Restarted the cluster\n\n"
            "### Short-term\n\n- Add disk alerts\n\n### Long-term\n\n- Shard the table\n",
            ["Add disk alerts", "Shard the table"],
            id="completed actions are not tasks",
        ),
        pytest.param(
            "To prevent such outages, adopt the following strategies\n\n"
            "Test the application before deploying. This error would have shown up earlier.\n\n"
            "Status monitoring. Enable an uptime service to alert us when the site is down.\n",
            [
                "Test the application before deploying. This error would have shown up earlier.",
                "Status monitoring. Enable an uptime service to alert us when the site is down.",
            ],
            id="unbulleted paragraphs that each open with a short sentence are tasks",
        ),
        pytest.param(
            "Completed:\n\n- Pool halted.\n- Trace of the funds finished.\n",
            [],
            id="a list labelled completed under the heading is work done",
        ),
        pytest.param(
            "- The stuck payments were accelerated and settled\n- A fix was applied to the fee "
            "estimate\n\n| Action | Owner | State |\n|---|---|---|\n| Alert the signers | mar "
            "| DONE |\n| Develop the final fix | luk | ONGOING |\n",
            ["Alert the signers", "Develop the final fix"],
            id="a list that reports work done is not the task list",
        ),
        pytest.param(
            "To prevent this, the following tasks will be done:\n"
            "Implement a syntax checker before deploys.\n"
            "Add monitoring of worker processes.\n"
            "By implementing these measures we will avoid this.\n",
            ["Implement a syntax checker before deploys.", "Add monitoring of worker processes."],
            id="one task per line without bullets",
        ),
        pytest.param(
            "We will move every certificate to automated issuance and\n"
            "alert long before any expiry.\n",
            [],
            id="wrapped prose is not a task",
        ),
        pytest.param(
            "We have a puppet script to fix this.\nThe ideal pattern would be a failover.\n",
            [],
            id="statements are not tasks",
        ),
        pytest.param(
            "### Done already\n\n- Raised the pool size\n\n"
            "### Short-term\n\n**This week:**\n\n- Add a pool alert\n\n"
            "**Before the next release:**\n\n- Load-test the new pool\n\n"
            "### Ideas\n\n- Rethink caching\n",
            ["Add a pool alert", "Load-test the new pool"],
            id="a sub-label is read with its heading",
        ),
        pytest.param(
            "1. **Monitoring:**\n   - Alert on disk usage\n   - Alert on OOM kills\n"
            "2. **Testing:**\n   - Load test the new config\n",
            ["Alert on disk usage", "Alert on OOM kills", "Load test the new config"],
            id="the items under a category are the tasks",
        ),
    ],
)
def test_the_tasks_of_a_measures_section(body: str, expected: list[str]) -> None:
    assert tasks(body) == expected


def test_checkboxes_are_tasks() -> None:
    body = "1. Improve testing\n2. Improve docs\n\n- [ ] Add failover test\n- [x] Page the DBA\n"
    doc = parse(f"## Action Items\n\n{body}")
    assert [(a.text, a.done) for a in doc.action_items] == [
        ("Add failover test", False),
        ("Page the DBA", True),
    ]


def test_sub_label_with_task_and_deadline_lines_is_one_task() -> None:
    body = (
        "Tasks:\n\n"
        "Load Balancer Review:\n    Task: Audit the configuration.\n"
        "    Deadline: December 22, 2023.\n\n"
        "Monitoring Enhancement:\n    Task: Alert on uneven traffic.\n"
        "    Deadline: December 20, 2023.\n"
    )
    assert len(tasks(body)) == 2


def test_table_rows_are_tasks_with_owner_and_due() -> None:
    doc = parse(
        "## Action items\n\n| Action | Owner | Due |\n|---|---|---|\n"
        "| Add config validation | @ana | 2024-03-15 |\n| Alert on pool saturation | @bo | |\n"
    )
    got = [(a.text, a.owner, a.due.isoformat() if a.due else None) for a in doc.action_items]
    assert got == [
        ("Add config validation", "ana", "2024-03-15"),
        ("Alert on pool saturation", "bo", None),
    ]


def test_a_column_that_sorts_the_tasks_is_not_their_text() -> None:
    """ "| Kind | Description |": the task is the description, not "Corrective" seven times;
    a code span keeps what it holds."""
    doc = parse(
        "## Corrective and preventative measures\n\n| Kind | Description | Owner |\n|---|---|---|\n"
        "| Corrective | Mirror the `dist-*` kernel archives | @ana |\n"
        "| Preventative | Allow-list the `max_conn` sources | |\n\n"
        "| # | Priority | Fix |\n|---|---|---|\n| 1 | P1 | Alert on replica lag |\n"
    )
    assert [(a.text, a.owner) for a in doc.action_items] == [
        ("Mirror the dist-* kernel archives", "ana"),
        ("Allow-list the max_conn sources", None),
        ("Alert on replica lag", None),
    ]
    only_kind = parse(
        "## Action items\n\n| Type | Owner |\n|---|---|\n| Add a disk alert | kim |\n"
    )
    assert [a.text for a in only_kind.action_items] == ["Add a disk alert"]


def test_an_underscore_inside_a_word_is_the_words() -> None:
    """`jane_doe` is an account name and FLUTTER_PREBUILT_ENGINE_VERSION a variable (in a
    table cell too); `_this_` and `__this__` are emphasis."""
    doc = parse(
        "## Action items\n\n- Stop setting FLUTTER_PREBUILT_ENGINE_VERSION (owner: @jane_doe)\n\n"
        "| Action | Owner |\n|---|---|\n| Alert on __disk__ usage _now_ | kim_lee |\n"
    )
    assert [(a.text, a.owner) for a in doc.action_items] == [
        ("Stop setting FLUTTER_PREBUILT_ENGINE_VERSION", "jane_doe"),
        ("Alert on disk usage now", "kim_lee"),
    ]


def test_numbered_headings_are_tasks_and_what_is_under_them_belongs_to_them() -> None:
    body = (
        "### 1) Alert on replica lag `@kim`\n\nWe want a page before the queue backs up.\n\n"
        "- threshold: 30 s\n- route to the database rota\n\n"
        "### 2) Rotate the backup keys\n\nOwner: lee\n"
    )
    doc = parse(f"## Timeline\n\n- 10:00 - down\n\n## Action items\n\n{body}")
    assert [(a.text, a.owner) for a in doc.action_items] == [
        ("Alert on replica lag @kim threshold: 30 s route to the database rota", None),
        ("Rotate the backup keys", "lee"),
    ]


def test_template_placeholders_are_not_tasks() -> None:
    body = (
        "| Action | Owner |\n|---|---|\n| Add a disk alert | kim |\n| ... another item | |\n\n"
        "- {{ Automate the failover drill }}\n- {{ summary }} [link to issue]\n"
    )
    assert [a.text for a in action_items(body)] == [
        "Add a disk alert",
        "{{ Automate the failover drill }}",
    ]


def test_a_status_written_on_a_task_says_whether_it_is_done() -> None:
    body = (
        "- DONE: Add a disk alert\n- **TODO** Rotate the backup keys\n"
        "- Move logs off the root disk ✅\n- ~~Pin the base image~~\n"
        "- [In progress] Load-test the pool\n- Done by Friday: the runbook\n"
    )
    assert [(a.text, a.done) for a in action_items(body)] == [
        ("Add a disk alert", True),
        ("Rotate the backup keys", False),
        ("Move logs off the root disk", True),
        ("Pin the base image", True),
        ("Load-test the pool", False),
        ("Done by Friday: the runbook", False),
    ]


def test_a_team_is_an_owner_whole() -> None:
    from postmortems.document.actionitem import owner_of

    assert owner_of("messaging team") == "messaging team"
    assert owner_of("DB on-call, due: 2024-03-01") == "DB on-call"
    assert owner_of("Jane Doe, due: 2024-03-01") == "Jane Doe"


def test_an_initial_keeps_its_period_through_the_canonical_rewrite() -> None:
    from postmortems.document import parse, write
    from postmortems.document.actionitem import owner_of

    assert owner_of("Sam O.") == "Sam O."
    assert owner_of("Jane D. Smith, due: 2024-03-01") == "Jane D. Smith"
    assert owner_of("Bob Smith.") == "Bob Smith"  # a sentence's period is not the name's
    assert owner_of("Sam O. and Ann") == "Sam O. and Ann"
    assert owner_of("J. R. R. Tolkien") == "J. R. R. Tolkien"
    assert owner_of("Dr. Who") == "Dr. Who"
    assert owner_of("Bob. Next week") == "Bob"  # a sentence ends after a name, not an initial
    text = "## Action items\n\n- [ ] Add config validation (owner: Sam O.)\n"
    rewritten = write(parse(text))
    assert "(owner: @Sam O.)" in rewritten
    assert [i.owner for i in parse(rewritten).action_items] == ["Sam O."]


def test_a_lessons_part_that_says_what_will_be_done_holds_the_tasks() -> None:
    doc = parse(
        "## Timeline\n\n- 10:00 - down\n\n## Lessons Learned\n\nIt showed where to improve. "
        "Here's what we're doing to prevent future outages:\n\n"
        "* **Code review:** We're sharpening our reviews to spot bugs early.\n"
        "* **Testing:** We're adding automated tests for odd data.\n"
    )
    assert len(doc.action_items) == 2
    plain = parse(
        "## Timeline\n\n- 10:00 - down\n\n## Lessons Learned\n\n"
        "* Reviews catch bugs early.\n* Tests matter.\n"
    )
    assert plain.action_items == ()


def test_owner_and_due_after_dashes_are_read() -> None:
    from postmortems.document.actionitem import parse_item

    got = parse_item(
        "Add a linter rule for open transactions — owner Thomas — 2024-12-06", False, 1
    )
    assert (got.text, got.owner, str(got.due)) == (
        "Add a linter rule for open transactions",
        "Thomas",
        "2024-12-06",
    )
    got = parse_item("Set the timeout to 60s - Owner: Claire - due 2024-11-29", False, 1)
    assert (got.text, got.owner, str(got.due)) == ("Set the timeout to 60s", "Claire", "2024-11-29")
    # "owner" in a sentence names no one; fields not read whole stay the task's words
    for said in (
        "Roll back the pre-release - owner of the rollout decides",
        "Watch disk usage - Owner: Claire - due after the Q4 freeze ends in January",
        "Review configs - Owner: each team lead - ongoing - tracked in JIRA-123",
    ):
        assert parse_item(said, False, 1) == ActionItem(said, False, None, None, 1)


def test_an_actions_heading_over_assigned_tasks_is_the_task_list() -> None:
    """ "## Actions" may be what was done during the incident; a list whose every item names an
    owner or a due date is the work to do."""
    doc = parse(
        "# Booking outage\n\n## Summary\n\nBookings failed.\n\n## Actions\n\n"
        "1. Add a linter rule for open transactions — owner Thomas — 2024-12-06\n"
        "2. Set the idle timeout to 60s — owner Claire — 2024-11-29\n",
        "x.md",
    )
    assert [(a.owner, str(a.due)) for a in doc.action_items] == [
        ("Thomas", "2024-12-06"),
        ("Claire", "2024-11-29"),
    ]
    done = parse(
        "# Booking outage\n\n## Summary\n\nBookings failed.\n\n## Actions\n\n"
        "- [x] Incident has been dealt with\n- [x] Sections above are filled out\n",
        "x.md",
    )
    assert done.action_items == ()  # a template's checklist, nobody's work


@pytest.mark.parametrize(
    ("said", "text", "owner", "due"),
    [
        ("Add a lag alert (@alice, due 2024-05-01)", "Add a lag alert", "alice", "2024-05-01"),
        ("Alert on lag (assignee: bob, deadline: 2024-05-10)", "Alert on lag", "bob", "2024-05-10"),
        ("Add a dashboard for lag by 2024-05-15", "Add a dashboard for lag", None, "2024-05-15"),
        ("@sara — Add a memory check — due 2024-03-19", "Add a memory check", "sara", "2024-03-19"),
        (
            "Owner: @raj | Alert at 85% memory | Due: Mar 12, 2024",
            "Alert at 85% memory",
            "raj",
            "2024-03-12",
        ),
        # "TBD" names no one, beside a date as alone
        (
            "Document the restart (owner: TBD, due: 2024-05-20)",
            "Document the restart",
            None,
            "2024-05-20",
        ),
        # words that only look like fields stay the task's
        ("Restart the pods (due to a leak)", "Restart the pods (due to a leak)", None, None),
        ("Move the cron by an hour", "Move the cron by an hour", None, None),
        ("Split the table | keep the index", "Split the table | keep the index", None, None),
    ],
)
def test_owner_and_due_in_the_forms_teams_write(
    said: str, text: str, owner: str | None, due: str | None
) -> None:
    from postmortems.document.actionitem import parse_item

    got = parse_item(said, False, 1)
    assert (got.text, got.owner, str(got.due) if got.due else None) == (text, owner, due)
