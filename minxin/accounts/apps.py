from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "minxin.accounts"
    label = "accounts"
    verbose_name = _("账号与安全")

    def ready(self):
        from minxin.accounts import signals  # noqa: F401  (connects the login audit receivers)
