from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "sandbox.accounts"
    label = "accounts"
    verbose_name = "Accounts and invitations"
