"""Contact details of an online submitter for notifications (minxin.notify.events)."""

from minxin.notify.events import Contact


def submission_contacts(case):
    from minxin.portal.models import Submission

    sub = Submission.objects.filter(case=case).only("phone_enc", "email_enc").first()
    if sub is None:
        return []
    return [Contact(phone=sub.phone, email=sub.email)]
