"""The upload page runs an import as a job; exports mask unless full and allowed; areas, units and staff import."""

import io

import openpyxl
import pytest
from django.core.management import call_command

from minxin.cases.models import Case
from minxin.exchange.cases import export_cases
from minxin.exchange.models import JobState, SpreadsheetJob
from minxin.exchange.organisation import export_org, import_org
from minxin.exchange.sheets import ImportFailed
from minxin.exchange.tests.test_case_import import good_case, workbook
from minxin.org.models import Area, Staff, Unit
from minxin.org.policies import SYSTEM

pytestmark = pytest.mark.django_db


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def sheet_rows(content: bytes, title: str) -> list[tuple]:
    wb = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    return [tuple(r) for r in wb[title].iter_rows(values_only=True)]


def test_the_upload_page_imports_in_the_worker_and_shows_the_result(client, city, clock, immediate_tasks, django_capture_on_commit_callbacks):
    client.force_login(city.staff["east_leader"].user)
    upload = io.BytesIO(workbook([good_case("LEGACY-9")]).getvalue())
    upload.name = "历史.xlsx"
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post("/exchange/cases/import/", {"file": upload})
    job = SpreadsheetJob.objects.get()
    assert resp.status_code == 302 and resp["Location"] == f"/exchange/jobs/{job.pk}/"
    assert job.state == JobState.DONE and job.rows_written == 1
    assert Case.objects.filter(number="LEGACY-9").exists()
    page = client.get(f"/exchange/jobs/{job.pk}/").content.decode()
    assert "已导入1条" in page


def test_a_failed_upload_lists_every_error_on_the_job_page(client, city, clock, immediate_tasks, django_capture_on_commit_callbacks):
    client.force_login(city.staff["east_leader"].user)
    bad = good_case("LEGACY-9")
    bad["信访事项"][0]["信访形式"] = "微信"
    upload = io.BytesIO(workbook([bad]).getvalue())
    upload.name = "bad.xlsx"
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/exchange/cases/import/", {"file": upload})
    job = SpreadsheetJob.objects.get()
    assert job.state == JobState.FAILED and job.errors == [
        {"sheet": "信访事项", "row": 2, "column": "信访形式", "message": "信访形式应为以下之一：网上信访、来信、来访、来电、传真"}]
    assert "信访形式应为以下之一" in client.get(f"/exchange/jobs/{job.pk}/").content.decode()
    assert Case.objects.count() == 0


def test_templates_download_from_the_page(client, city):
    client.force_login(city.staff["east_registrar"].user)
    resp = client.get("/exchange/ledger/template.xlsx")
    assert resp.status_code == 200
    assert sheet_rows(resp.content, "矛盾纠纷排查台账")[0][1] == "排查日期"


def test_exports_mask_identities_and_a_full_export_is_allowed_and_logged_only_for_the_bureau(client, city, clock):
    from minxin.exchange.cases import import_cases

    import_cases(workbook([good_case("LEGACY-1")]), actor=SYSTEM)
    registrar, handler = city.staff["east_registrar"], city.staff["east_housing_handler"]
    masked, _n = export_cases(Case.objects.visible_to(registrar), actor=registrar)
    person = sheet_rows(masked, "信访人")[1]
    assert person[1] == "张*" and "*" in person[2] and person[3] == "139****5678"
    client.force_login(registrar.user)
    full = client.get("/exchange/cases/export.xlsx?full=1")
    assert full.status_code == 200 and sheet_rows(full.content, "信访人")[1][1] == "张三"
    job = SpreadsheetJob.objects.get(full=True)
    assert job.actor == registrar and job.rows_written == 1
    client.force_login(handler.user)
    assert client.get("/exchange/cases/export.xlsx?full=1").status_code == 403


def test_a_masked_export_cannot_be_imported_back(city, clock):
    from minxin.exchange.cases import import_cases

    import_cases(workbook([good_case("LEGACY-1")]), actor=SYSTEM)
    masked, _n = export_cases(Case.objects.all(), actor=SYSTEM, full=False)
    with pytest.raises(ImportFailed) as exc:
        import_cases(io.BytesIO(masked), actor=SYSTEM, dry_run=True)
    assert {(e.sheet, e.column, e.message) for e in exc.value.errors} >= {
        ("信访人", "姓名", "已脱敏，不能导入；请使用完整导出"), ("信访人", "身份证号", "已脱敏，不能导入；请使用完整导出")}


def org_book(title: str, headers: list[str], rows: list[list]) -> io.BytesIO:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    ws.append(headers)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    return buf


def test_areas_units_and_staff_import_top_down_in_one_file_each(city):
    areas = org_book("行政区域", ["区划代码", "名称", "层级", "上级区划代码"], [
        ["320904000000", "南城区", "区县", "320900000000"], ["320904001000", "南一街道", "乡镇街道", "320904000000"]])
    assert import_org("areas", areas, actor=city.staff["city_admin"]) == 2
    assert Area.objects.get(code="320904001000").parent.code == "320904000000"
    units = org_book("单位", ["单位编码", "单位名称", "简称", "单位类型", "所在区域(区划代码)", "上级单位(编码)", "主管领域", "机关代字", "本系统外单位"], [
        ["B-SOUTH", "南城区信访局", "", "信访部门", "320904000000", "B-CITY", "", "南信", "否"],
        ["T-SOUTH1", "南一街道办事处", "", "乡镇街道", "320904001000", "B-SOUTH", "", "", ""]])
    assert import_org("units", units, actor=SYSTEM) == 2
    assert Unit.objects.get(code="T-SOUTH1").parent.code == "B-SOUTH"
    staff = org_book("工作人员", ["账号", "姓名", "所在单位(编码)", "职务", "角色", "在岗"], [
        ["south_registrar", "南城登记员", "B-SOUTH", "", "登记员、审核/领导", "是"]])
    assert import_org("staff", staff, actor=SYSTEM) == 1
    s = Staff.objects.get(user__username="south_registrar")
    assert s.role_codes == {"registrar", "reviewer"} and not s.user.has_usable_password()
    # What was imported exports in the same format.
    assert ("B-SOUTH", "南城区信访局", None, "信访部门", "320904000000", "B-CITY", None, "南信", "否") in sheet_rows(export_org("units", actor=SYSTEM), "单位")


def test_org_import_reports_each_bad_cell_and_writes_nothing(city):
    before = Area.objects.count()
    areas = org_book("行政区域", ["区划代码", "名称", "层级", "上级区划代码"], [
        ["320904000000", "南城区", "区县", "320900000000"],
        ["320902000000", "重复", "区县", "320900000000"],
        ["320905000000", "", "区县", "320900000000"],
        ["320906000000", "北城区", "省", "320900000000"],
        ["320907000000", "某街道", "乡镇街道", "999999999999"]])
    with pytest.raises(ImportFailed) as exc:
        import_org("areas", areas, actor=SYSTEM)
    assert [(e.row, e.column, e.message) for e in exc.value.errors] == [
        (3, "区划代码", "区划代码320902000000已存在"), (4, "名称", "不能为空"),
        (5, "层级", "层级应为以下之一：市、区县、乡镇街道、村社区、网格"), (6, "上级区划代码", "区划代码999999999999不存在")]
    assert Area.objects.count() == before


def test_only_an_administrator_may_import_staff(city):
    from minxin.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        import_org("staff", org_book("工作人员", ["账号"], []), actor=city.staff["east_leader"])


def test_the_export_command_writes_the_import_format_and_logs_it(city, clock, tmp_path):
    from minxin.exchange.cases import import_cases

    import_cases(workbook([good_case("LEGACY-1")]), actor=SYSTEM)
    out = tmp_path / "out.xlsx"
    call_command("export", "cases", str(out), "--full")
    assert sheet_rows(out.read_bytes(), "信访人")[1][1] == "张三"
    assert SpreadsheetJob.objects.get().full
