from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "sandbox.accounts"
    label = "accounts"
    verbose_name = "Accounts and invitations"

    def ready(self) -> None:
        from sandbox.accounts import privacy_stores

        # The account tables join the one personal-data declaration (sandbox/privacy/).
        privacy_stores.declare()
