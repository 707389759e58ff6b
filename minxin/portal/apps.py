from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "minxin.portal"
    label = "portal"
    verbose_name = _("网上信访")

    def ready(self):
        from minxin.notify.events import RECIPIENT_SOURCES
        from minxin.cases.policies import may_register
        from minxin.portal.contacts import submission_contacts
        from minxin.web.context import NAV_ITEMS

        entry = (_("网上信访"), "portal:staff_queue", may_register)
        if entry[1] not in {item[1] for item in NAV_ITEMS}:
            NAV_ITEMS.append(entry)
        if submission_contacts not in RECIPIENT_SOURCES:
            RECIPIENT_SOURCES.append(submission_contacts)
