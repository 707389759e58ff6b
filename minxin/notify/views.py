import datetime as dt

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from minxin.notify import policies
from minxin.notify.backends import read_outbox


@never_cache
def dev_outbox(request):
    """Development only: the newest SMS and e-mails the outbox backends wrote, in full.

    It shows verification codes, so it exists only while DEBUG is on (404 otherwise)."""
    if not policies.may_open_dev_outbox():
        raise Http404
    messages_sent = read_outbox(100)
    for message in messages_sent:
        try:
            message["at"] = dt.datetime.fromisoformat(str(message.get("at")))
        except ValueError:
            pass
    return render(request, "notify/dev_outbox.html", {"messages_sent": messages_sent, "path": settings.MINXIN_OUTBOX_PATH})
