"""sandbox/api/privacy_stores.py: the API's text columns hold nothing personal, each excused
with a reason in the declaration at start."""

from __future__ import annotations

from django.db import models

from sandbox.api.models import ApiSessionOrigin, ApiToken
from sandbox.api.privacy_stores import EXEMPT
from sandbox.privacy import registry


def test_every_text_column_of_the_api_is_excused_at_start():
    for model in (ApiToken, ApiSessionOrigin):
        for field in model._meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField | models.JSONField):
                column = f"api.{model.__name__}.{field.name}"
                assert column in EXEMPT and registry.exemptions()[column] == EXEMPT[column]
