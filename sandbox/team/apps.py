from django.apps import AppConfig


class TeamConfig(AppConfig):
    name = "sandbox.team"
    label = "team"
    verbose_name = "Team onboarding"

    def ready(self) -> None:
        # sandbox/ must not import this app (dependencies point one way): sync and refresh
        # ask sandbox.erased, and this app tells it where the erased Kapso ids are kept.
        from sandbox import erased
        from sandbox.team import privacy_stores
        from sandbox.team.erasure import erased_kapso_ids

        erased.register(erased_kapso_ids)
        # Its personal data joins the one declaration and the one erasure (sandbox/privacy/).
        privacy_stores.declare()
