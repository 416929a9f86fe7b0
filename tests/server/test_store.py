"""Saving: derived columns, revisions with diffs, optimistic locking."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from conftest import SAMPLE
from postmortems.document.fields import FIELDS, FieldType
from postmortems.server.library import derive, store
from postmortems.server.library.models import Label, Postmortem, Revision

pytestmark = pytest.mark.django_db


def test_every_front_matter_field_is_stored() -> None:
    columns = {f.name for f in Postmortem._meta.get_fields()}
    kinds = {kind for kind, _ in Label._meta.get_field("kind").choices or ()}
    for spec in FIELDS:
        if spec.type is FieldType.LIST:
            assert spec.meta_attr in kinds, spec.name
        else:
            assert derive.column_name(spec) in columns, spec.name


def test_create_derives_columns_and_labels(make_pm: Any) -> None:
    pm = make_pm("PM-T-9", restricted=True, teams="security")
    assert (pm.key, pm.title, pm.severity, pm.status) == (
        "PM-T-9",
        "Checkout API returned 502s",
        "SEV2",
        "draft",
    )
    assert pm.started == dt.datetime(2024, 2, 12, 4, 0, tzinfo=dt.UTC)
    assert pm.incident_date == dt.date(2024, 2, 12)
    assert pm.restricted is True
    labels = set(pm.labels.values_list("kind", "value"))
    assert {("services", "checkout-api"), ("tags", "tls"), ("teams", "security")} <= labels
    assert pm.revisions.get().number == 1


def test_update_keeps_a_revision_with_diff(make_pm: Any) -> None:
    pm = make_pm()
    new_text = pm.text.replace("severity: SEV2", "severity: SEV1")
    saved = store.update(pm.key, new_text, None, base_version=1, message="worse")
    assert saved.postmortem.version == 2
    assert saved.postmortem.severity == "SEV1"
    rev = Revision.objects.get(postmortem=pm, number=2)
    assert "-severity: SEV2" in rev.diff
    assert "+severity: SEV1" in rev.diff
    assert (rev.text, rev.message) == (new_text, "worse")


def test_stale_save_is_refused_and_changes_nothing(make_pm: Any) -> None:
    pm = make_pm()
    store.update(pm.key, pm.text + "\nfirst\n", None, base_version=1)
    with pytest.raises(store.StaleVersion) as info:
        store.update(pm.key, pm.text + "\nsecond\n", None, base_version=1)
    assert info.value.current.version == 2
    assert Postmortem.objects.get(key=pm.key).text.endswith("first\n")


def test_unreadable_front_matter_is_refused_with_a_position() -> None:
    with pytest.raises(store.PostmortemsError, match=r":3:1: front matter is not valid YAML"):
        store.create("---\ntitle: [oops\n---\n# x\n", None)


def test_duplicate_ids_are_refused(make_pm: Any) -> None:
    make_pm("PM-T-1")
    with pytest.raises(store.DuplicateKey):
        make_pm("PM-T-1")


def test_a_save_parses_once_and_writes_everything_derived_in_it() -> None:
    from parses import count_parses

    from postmortems.server.library import state
    from postmortems.server.workflow.models import ActionItem

    with count_parses() as parses:
        pm = store.save(SAMPLE, None).postmortem
    assert len(parses) == 1
    assert ActionItem.objects.filter(postmortem=pm).count() == 1
    assert pm.rendered_version == 1
    assert "<article" in pm.rendered_html
    assert "Timeline" in pm.sections.splitlines()
    token = state.token()
    edited = SAMPLE.replace("- [ ] Automate", "- [x] Automate").replace("SEV2", "SEV1")
    with count_parses() as parses:
        saved = store.save(edited, None, key=pm.key, base_version=1)
    assert len(parses) == 1
    pm = Postmortem.objects.get(pk=pm.pk)
    assert (pm.version, pm.severity, pm.rendered_version) == (2, "SEV1", 2)
    assert saved.changed
    assert ActionItem.objects.get(postmortem=pm).status == "done"
    assert state.token() != token


def test_the_editor_preview_parses_once() -> None:
    """The live lint and the rendered parts come from one reading of the text."""
    from parses import count_parses

    from postmortems.lint import lint_text
    from postmortems.server.library.rendering import preview_parts

    with count_parses() as parses:
        preview = preview_parts(SAMPLE, "editor.md", {})
    assert len(parses) == 1
    assert [f.code for f in preview.findings] == [
        v.code for v in lint_text(SAMPLE, path="editor.md")
    ]
    assert preview.rendered


def test_import_parses_each_file_once_and_writes_in_batches(tmp_path: Path) -> None:
    from parses import count_parses

    from postmortems.server.library.transfer import import_dir
    from postmortems.server.workflow.models import ActionItem

    for i in range(7):
        (tmp_path / f"pm-{i}.md").write_text(SAMPLE.replace("PM-T-1", f"PM-T-{i}"))
    (tmp_path / "z-again.md").write_text(SAMPLE.replace("PM-T-1", "PM-T-3"))
    files = (store.Incoming(p.name, p.read_text()) for p in sorted(tmp_path.iterdir()))
    with count_parses() as parses:
        outcomes = list(store.save_many(files, None, batch=3))
    assert len(parses) == 8
    verbs = sorted(o.verb for o in outcomes)
    assert verbs == ["created"] * 7 + ["failed"]
    assert "also the id of pm-3.md" in next(o.error for o in outcomes if o.verb == "failed")
    assert ActionItem.objects.count() == 7
    assert Revision.objects.filter(number=1).count() == 7
    pm = Postmortem.objects.get(key="PM-T-5")
    assert pm.rendered_version == 1
    assert pm.labels.count() > 0
    assert import_dir(tmp_path).unchanged  # idempotent


def test_a_large_import_parses_in_worker_processes_with_the_same_outcome() -> None:
    """Enough files for :func:`parallel.run_all` to use worker processes: every file is created
    with its derived rows, in the order given, and a repeated id is still reported."""
    from postmortems import parallel
    from postmortems.server.workflow.models import ActionItem

    count = parallel.PARALLEL_MIN + 12
    files = [
        store.Incoming(f"pm-{i:03d}.md", SAMPLE.replace("PM-T-1", f"PM-P-{i:03d}"))
        for i in range(count)
    ]
    files.append(store.Incoming("again.md", SAMPLE.replace("PM-T-1", "PM-P-007")))
    files.append(store.Incoming("broken.md", "---\ntitle: [unclosed\n---\n# x\n"))
    outcomes = list(store.save_many(files, None, batch=25))
    created = [o.key for o in outcomes if o.verb == "created"]
    assert created == [f"PM-P-{i:03d}" for i in range(count)]
    failed = {o.name: o.error for o in outcomes if o.verb == "failed"}
    assert set(failed) == {"again.md", "broken.md"}
    assert "also the id of pm-007.md" in failed["again.md"]
    assert "broken.md" in failed["broken.md"]
    assert ActionItem.objects.filter(postmortem__key__startswith="PM-P-").count() == count
    pm = Postmortem.objects.get(key="PM-P-042")
    assert pm.rendered_version == 1
    assert "Checkout" in pm.rendered_html


def test_other_apps_take_part_in_a_save_through_registered_hooks(make_user: Any) -> None:
    """The library calls the hooks apps register (the workflow's in its AppConfig.ready); it
    imports none of them."""
    from tests.server.conftest import doc_text

    from postmortems.server.library import hooks, store
    from postmortems.server.workflow.hooks import WorkflowSaveHooks

    assert any(isinstance(h, WorkflowSaveHooks) for h in hooks.registered())
    seen: list[tuple[str, str, str]] = []

    class Recorder(hooks.SaveHooks):
        def created(self, saved: hooks.Saved) -> None:
            seen.append(("created", saved.pm.key, saved.old_status))

        def revised(self, saved: hooks.Saved) -> None:
            seen.append(("revised", saved.pm.key, saved.old_status))

    recorder = Recorder()
    hooks.register(recorder)
    hooks.register(Recorder())  # once per kind of hook
    try:
        user = make_user("hana", "author")
        pm = store.create(doc_text("PM-HOOK"), user).postmortem
        store.update(
            pm.key, pm.text.replace("We renewed it.", "We renewed it by hand."), user, pm.version
        )
    finally:
        hooks._registered.remove(recorder)
    assert seen == [("created", "PM-HOOK", ""), ("revised", "PM-HOOK", "draft")]
    assert pm.action_items.count() == 1  # the workflow's hook synced the task list


@pytest.mark.parametrize(
    ("title", "key"),
    [
        ("Checkout API returned 502s", "checkout-api-returned-502s"),
        ("Café payments: 3.2 s latency!", "cafe-payments-3.2-s-latency"),
        (
            "Checkout writes failed for forty minutes after a configuration push to the "
            "payments cluster in eu-west-1",
            "checkout-writes-failed-for-forty-minutes-after-a",
        ),
        ("障害報告", "postmortem"),
        ("Ünïcødé 🔥 outage", "unicode-outage"),
        ("Søren's Straße: Łódź æther, Đakovo", "soren-s-strasse-lodz-aether-dakovo"),
    ],
)
def test_a_postmortem_saved_without_an_id_gets_a_short_key_from_its_title(
    title: str, key: str
) -> None:
    text = f"---\ntitle: {title!r}\n---\n\n## Summary\n\nText.\n"
    saved = store.save(text, None)
    assert saved.postmortem.key == key
    assert len(key) <= derive.TITLE_KEY_CHARS
    assert store.save(text, None).postmortem.key == f"{key}-2"  # the same title again
