"""Translation hook that also works outside a configured Django process.

The algorithm runs inside the web app (settings configured, gettext active) but
also from the benchmark and from plain scripts, where calling Django's gettext
would raise ImproperlyConfigured. Strings are still marked with ``_`` so
makemessages picks them up.
"""


def _(message: str) -> str:
    try:
        from django.conf import settings

        if not settings.configured:
            return message
        from django.utils.translation import gettext

        return gettext(message)
    except Exception:  # pragma: no cover - Django missing or half-configured
        return message
