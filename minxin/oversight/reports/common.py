"""Counts shared by the annual report and the weekly brief (over an already scoped case queryset)."""

import datetime as dt

from django.db.models import Count
from django.utils import timezone

from minxin.cases.models import CaseRouting, Category, Channel, Domain
from minxin.oversight.models import Rating, RatingScore, Supervision


def bounds(start: dt.date, end: dt.date):
    tz = timezone.get_current_timezone()
    lo = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    return lo, dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)


def volume(cases, start: dt.date, end: dt.date) -> dict:
    lo, hi = bounds(start, end)
    received = cases.filter(received_at__gte=lo, received_at__lt=hi)
    by_channel = dict(received.values_list("channel").annotate(n=Count("pk")).values_list("channel", "n"))
    by_category = dict(received.values_list("category").annotate(n=Count("pk")).values_list("category", "n"))
    domains = {d.pk: d.name for d in Domain.objects.all()}
    by_domain = sorted(
        ((domains.get(k, "未分领域"), n) for k, n in received.values_list("domain").annotate(n=Count("pk")).values_list("domain", "n")),
        key=lambda kv: (-kv[1], kv[0]),
    )
    ratings = Rating.objects.filter(case__in=cases.values("pk"), rated_at__gte=lo, rated_at__lt=hi)
    rated = ratings.count()
    satisfied = ratings.filter(score__in=(RatingScore.SATISFIED, RatingScore.BASICALLY)).count()
    return {
        "received": received.count(),
        "visits": by_channel.get(Channel.VISIT, 0),
        "accepted": cases.filter(accepted_at__gte=lo, accepted_at__lt=hi).count(),
        "closed": cases.filter(closed_at__gte=lo, closed_at__lt=hi).count(),
        "by_channel": [(str(label), by_channel.get(k, 0)) for k, label in Channel.choices],
        "by_category": [(str(label), by_category.get(k, 0)) for k, label in Category.choices],
        "by_domain": by_domain,
        "rated": rated,
        "satisfied": satisfied,
        "supervised": Supervision.objects.filter(case__in=cases.values("pk"), issued_at__gte=lo, issued_at__lt=hi).count(),
    }


def routings(cases, start: dt.date, end: dt.date) -> dict:
    lo, hi = bounds(start, end)
    qs = CaseRouting.objects.filter(case__in=cases.values("pk"), at__gte=lo, at__lt=hi)
    counts = dict(qs.values_list("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    return {"transfer": counts.get("transfer", 0), "assign": counts.get("assign", 0)}
