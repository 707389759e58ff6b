"""Data exchange pages: templates, uploads with progress, exports in the import format.

Thin: each view checks the exchange policies, then calls one function of minxin.exchange.
The ledger's import and export keep their /risk/ledger/ URLs but live here, since the risk
domain may not import the exchange domain above it.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from minxin.core import clock
from minxin.core.errors import DomainError
from minxin.exchange import jobs, policies
from minxin.exchange.kinds import KINDS
from minxin.exchange.ledger import export_ledger, import_ledger
from minxin.exchange.models import JobDirection, JobState, SpreadsheetJob
from minxin.exchange.sheets import XLSX
from minxin.web.context import active_staff
from minxin.core.replica import reads_from_replica


def _kind(kind: str):
    if kind not in KINDS:
        raise Http404
    return KINDS[kind]


def _download(content: bytes, name: str) -> HttpResponse:
    resp = HttpResponse(content, content_type=XLSX)
    resp["Content-Disposition"] = content_disposition_header(True, name)
    return resp


@login_required
def index(request):
    staff = active_staff(request)
    kinds = [{"code": k.code, "label": k.label, "may_import": policies.may_import(staff, k.code),
              "may_export": policies.may_export(staff, k.code)} for k in KINDS.values()]
    recent = SpreadsheetJob.objects.filter(actor=staff)[:20]
    return render(request, "web/exchange/index.html", {"kinds": kinds, "jobs": recent, "may_full": policies.may_export_full(staff)})


@login_required
def template(request, kind):
    active_staff(request)
    k = _kind(kind)
    return _download(k.template(), _("%(label)s导入模板.xlsx") % {"label": k.label})


@login_required
def upload(request, kind):
    staff = active_staff(request)
    k = _kind(kind)
    if not policies.may_import(staff, kind):
        raise PermissionDenied
    if request.method == "POST":
        file = request.FILES.get("file")
        if file is None:
            messages.error(request, _("请选择要导入的 .xlsx 文件"))
        else:
            try:
                job = jobs.submit_import(kind, file, actor=staff, dry_run=bool(request.POST.get("dry_run")))
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                return redirect("web:exchange_job", pk=job.pk)
    return render(request, "web/exchange/upload.html", {"kind": k})


@login_required
def job(request, pk):
    staff = active_staff(request)
    job = get_object_or_404(SpreadsheetJob, pk=pk, actor=staff, direction=JobDirection.IMPORT)
    running = job.state in (JobState.QUEUED, JobState.RUNNING)
    template = "web/exchange/_job.html" if request.headers.get("HX-Request") else "web/exchange/job.html"
    return render(request, template, {"job": job, "running": running, "kind": KINDS.get(job.kind)})


@login_required
@reads_from_replica
def export(request, kind):
    staff = active_staff(request)
    k = _kind(kind)
    full = request.GET.get("full") == "1"
    try:
        content, rows = k.export(actor=staff, full=full)
    except DomainError as exc:
        raise PermissionDenied(exc.message) from None
    jobs.log_export(kind, actor=staff, full=full, rows=rows, file_name=f"{k.label}.xlsx")
    return _download(content, f"{k.label}-{clock.today():%Y%m%d}.xlsx")


# ---------------------------------------------------------------- the ledger (URLs under /risk/ledger/)


@login_required
@reads_from_replica
def ledger_export(request):
    staff = active_staff(request)
    data = export_ledger(staff)
    jobs.log_export("ledger", actor=staff, full=False, rows=-1, file_name="矛盾纠纷排查台账.xlsx")
    return _download(data, f"矛盾纠纷排查台账-{clock.today():%Y%m%d}.xlsx")


@login_required
@require_POST
def ledger_import(request):
    staff = active_staff(request)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("请选择要导入的 .xlsx 文件"))
        return redirect("web:risk_ledger")
    try:
        created = import_ledger(upload, actor=staff)
    except DomainError as exc:
        rows = getattr(exc, "rows", None)
        if rows:
            messages.error(request, _("台账有%(n)s处错误，未导入任何数据：") % {"n": len(rows)})
            for e in rows[:30]:
                messages.error(request, _("第%(row)s行“%(col)s”：%(msg)s") % {"row": e["row"], "col": e["column"], "msg": e["message"]})
        else:
            messages.error(request, exc.message)
    else:
        messages.success(request, _("已导入%(n)s条矛盾纠纷") % {"n": len(created)})
    return redirect("web:risk_ledger")
