"""sandbox/privacy/declaration.py (and every app's privacy_stores.py): every text or JSON
column of every installed app is declared as a store of personal data or exempted with a
reason, third-party tables (auth.User, admin LogEntry, django_session) included."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import models

from sandbox import privacy
from sandbox.privacy import registry

TEXT_OR_JSON = (models.CharField, models.TextField, models.JSONField)


def text_and_json_columns() -> set[str]:
    found = set()
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.get_fields():
            if isinstance(field, TEXT_OR_JSON) and field.concrete:
                found.add(f"{model._meta.app_label}.{model.__name__}.{field.name}")
    return found


def test_every_text_or_json_column_is_declared_or_exempted_with_a_reason():
    declared, exempt = registry.declared_columns(), registry.exemptions()
    undeclared = sorted(c for c in text_and_json_columns() if c not in declared | exempt.keys())
    assert not undeclared, f"declare these in a privacy store or exempt them: {undeclared}"
    assert all(reason.strip() for reason in exempt.values())


def test_the_walk_sees_third_party_tables_and_would_catch_a_new_column(monkeypatch):
    columns = text_and_json_columns()
    for column in (
        "auth.User.email",
        "admin.LogEntry.object_repr",
        "admin.LogEntry.change_message",
        "sessions.Session.session_data",
        "team.Tester.phone_number",
        "api.ApiToken.name",
    ):
        assert column in columns
    # A column nobody declared (here: the tester's e-mail, forgotten) is reported.
    stores = dict(registry._registry.stores)
    testers = stores["testers"]
    stores["testers"] = privacy.Store(
        **{**testers.__dict__, "columns": ("team.Tester.name", "team.Tester.phone_number")}
    )
    monkeypatch.setattr(registry._registry, "stores", stores)
    declared = registry.declared_columns()
    assert "team.Tester.email" not in declared | registry.exemptions().keys()


def test_declared_columns_exist_so_a_renamed_field_is_noticed():
    columns = text_and_json_columns()
    stale = [
        c for c in {**registry.declared_columns(), **registry.exemptions()} if c not in columns
    ]
    assert not stale, f"declared but no such column: {stale}"


def test_every_store_says_what_it_holds_how_it_is_erased_and_how_long_it_is_kept():
    names = {store.name for store in privacy.stores()}
    expected = {"sandbox sessions", "testers", "reminders", "onboarding errors", "admin history"}
    expected |= {"accounts", "logins", "shared cache", "log lines", "e-mail", "job queue"}
    assert expected <= names
    for store in privacy.stores():
        assert store.holds and store.erased and store.kept, store.name


@pytest.mark.django_db
def test_an_erased_sessions_qr_code_is_forgotten_again_once_the_erasure_commits(
    django_capture_on_commit_callbacks,
):
    """A page load between the delete and the commit can keep the code again: it goes then."""
    from django.core.cache import cache

    from sandbox import qr
    from sandbox.privacy import declaration

    key = f"{qr.KEPT_PREFIX}4242"
    cache.set(key, ("digest", "<svg/>"))
    with django_capture_on_commit_callbacks(execute=True):
        declaration.forget_qr_codes(privacy.Person(session_ids={4242}))
        assert cache.get(key) is None  # forgotten at once as well
        cache.set(key, ("digest", "<svg/>"))  # a page shown before the erasure commits
    assert cache.get(key) is None
