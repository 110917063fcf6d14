from django.apps import AppConfig


class TeamConfig(AppConfig):
    name = "sandbox.team"
    label = "team"
    verbose_name = "Team onboarding"

    def ready(self) -> None:
        # sandbox/ must not import this app (dependencies point one way): sync and refresh
        # ask sandbox.erased, and this app tells it where the erased Kapso ids are kept.
        from django.db.models.signals import post_delete, post_save

        from sandbox import erased, history
        from sandbox.team import privacy_stores
        from sandbox.team.erasure import erased_kapso_ids
        from sandbox.team.models import Tester

        erased.register(erased_kapso_ids)
        # Its personal data joins the one declaration and the one erasure (sandbox/privacy/).
        privacy_stores.declare()
        # A tester linked to an account lets that account see the phone's live sessions:
        # its history (kept pages, counts) changes with the link.
        for signal in (post_save, post_delete):
            signal.connect(
                history.on_session_written, sender=Tester, dispatch_uid=f"history-tester-{signal}"
            )
