"""The dashboard's own settings plus one bench-only URL module (the bare-view ceilings)."""

from kapso_dashboard.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
