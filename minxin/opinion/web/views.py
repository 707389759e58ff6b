"""舆情 pages: the list with filters (htmx: the table alone is re-rendered) and an item with its matches.

Thin: reads through minxin.opinion.services, which scope by minxin.opinion.policies; a refusal
is a 403, an item out of reach a 404.
"""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from minxin.cases.models import Domain
from minxin.core.errors import DomainError
from minxin.opinion import policies, services
from minxin.org.models import Area, AreaLevel


class FilterForm(forms.Form):
    q = forms.CharField(label=_("内容含"), required=False, max_length=100, widget=forms.TextInput(attrs={"type": "search"}))
    area = forms.ChoiceField(label=_("区域"), required=False)
    source = forms.ChoiceField(label=_("来源"), required=False)
    domain = forms.ChoiceField(label=_("领域"), required=False)
    matched = forms.ChoiceField(label=_("比对"), required=False,
                                choices=[("", _("全部")), ("yes", _("有关联")), ("no", _("无关联"))])
    since = forms.DateField(label=_("发布日期自"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("至"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, staff, base, **kw):
        super().__init__(*args, **kw)
        root = staff.unit.area
        areas = Area.objects.filter(path__startswith=root.path, level__lte=max(root.level + 1, AreaLevel.COUNTY)).order_by("path")
        self.fields["area"].choices = [("", _("全部"))] + [(a.code, a.name) for a in areas]
        sources = base.order_by().values_list("source", flat=True).distinct()
        self.fields["source"].choices = [("", _("全部"))] + [(s, s) for s in sorted(set(sources))]
        self.fields["domain"].choices = [("", _("全部"))] + [(d.name, d.name) for d in Domain.objects.order_by("code")]


def _staff(request):
    staff = getattr(request.user, "staff", None)
    if staff is None or not policies.may_read(staff):
        raise PermissionDenied
    return staff


@login_required
def item_list(request):
    staff = _staff(request)
    base = services.items_visible_to(staff)
    form = FilterForm(request.GET or None, staff=staff, base=base)
    qs = base.select_related("area", "domain").prefetch_related("matches")
    if form.is_valid():
        f = form.cleaned_data
        area = Area.objects.filter(code=f["area"]).first() if f["area"] else None
        qs = services.filter_items(qs, q=f["q"], area=area, source=f["source"], domain=f["domain"], matched=f["matched"],
                                   since=f["since"], until=f["until"])
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    rows = [{"item": i, "counts": _match_counts(i)} for i in page]
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "rows": rows, "query": query.urlencode(), "total": page.paginator.count}
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "opinion-results":
        return render(request, "opinion/_results.html", context)
    return render(request, "opinion/list.html", context)


def _match_counts(item) -> dict:
    counts = {"case": 0, "entry": 0, "hotspot": 0}
    for m in item.matches.all():
        counts[m.kind] += 1
    return counts


@login_required
def item_detail(request, pk):
    staff = _staff(request)
    try:
        item = services.get_item(staff, pk)
    except DomainError:
        raise Http404 from None
    events = item.events.select_related("actor__user").order_by("at", "pk")
    reason = next((e.payload.get("area_reason") for e in events if e.action == "received"), "")
    return render(request, "opinion/detail.html", {
        "item": item, "matches": services.matches_for(staff, item), "events": events, "area_reason": reason,
    })
