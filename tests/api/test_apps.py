"""sandbox/api/apps.py: the API is its own app, under the label its tables carry."""

from __future__ import annotations

from django.apps import apps

from sandbox.api.models import ApiToken


def test_the_api_app_owns_its_tables_under_the_label_api():
    config = apps.get_app_config("api")
    assert (config.name, config.verbose_name) == ("sandbox.api", "JSON API")
    assert ApiToken._meta.db_table == "api_apitoken"
    assert config.default_auto_field == "django.db.models.BigAutoField"
