"""The opinion kind of the spreadsheet registry: template, import (all or nothing), command, export."""

import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from minxin.core.errors import PermissionDenied
from minxin.exchange.kinds import KINDS
from minxin.exchange.opinion import COLUMNS, SHEET
from minxin.exchange.sheets import ImportFailed
from minxin.opinion.models import OpinionEvent, OpinionItem
from minxin.org.policies import SYSTEM

pytestmark = pytest.mark.django_db

GOOD = ["市网络舆情监测中心", "2026-03-01 10:15", "东城区东一社区居民反映小区电梯长期故障", "https://bbs.example.cn/t/1", 88, "320902001001", "房地产"]


def book(*rows) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET.title
    ws.append([c.header for _k, c in COLUMNS])
    for r in rows:
        ws.append(list(r))
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    return buf


def test_the_template_has_the_documented_columns():
    wb = load_workbook(io.BytesIO(KINDS["opinion"].template()))
    assert [c.value for c in wb[SHEET.title][1]] == ["来源", "发布时间", "内容", "原文链接", "热度", "所属区域(区划代码)", "领域"]
    assert "说明" in wb.sheetnames


def test_a_valid_file_is_imported_and_a_second_import_adds_nothing(city, clock):
    actor = city.staff["east_leader"]
    assert KINDS["opinion"].import_(book(GOOD, [*GOOD[:3], "", None, "", ""]), actor=actor) == 2
    item = OpinionItem.objects.get(link="https://bbs.example.cn/t/1")
    assert item.via == "excel" and item.heat == 88 and item.domain.name == "房地产" and item.area.name == "东一社区"
    assert KINDS["opinion"].import_(book(GOOD), actor=actor) == 0
    assert OpinionItem.objects.count() == 2


def test_one_error_per_column_rule_names_row_and_column_and_nothing_is_written(city, clock):
    rows = [
        ["", *GOOD[1:]],
        [GOOD[0], "三月一日", *GOOD[2:]],
        [*GOOD[:2], "", *GOOD[3:]],
        [*GOOD[:3], "www.example.cn 无协议", *GOOD[4:]],
        [*GOOD[:4], -5, *GOOD[5:]],
        [*GOOD[:5], "320903001001", GOOD[6]],  # 西一社区: outside 东城区
        [*GOOD[:6], "天文"],
        GOOD,
    ]
    with pytest.raises(ImportFailed) as exc:
        KINDS["opinion"].import_(book(*rows), actor=city.staff["east_leader"])
    got = {(e.row, e.column): e.message for e in exc.value.errors}
    assert got == {
        (2, "来源"): "来源不能为空（监测服务名称或平台）",
        (3, "发布时间"): "发布时间格式应为2026-03-01 09:30或ISO 8601（2026-03-01T09:30:00+08:00）",
        (4, "内容"): "内容不能为空",
        (5, "原文链接"): "链接应为以http://或https://开头的网址",
        (6, "热度"): "热度应为不小于0的整数",
        (7, "所属区域(区划代码)"): "西一社区不在东城区信访局的管辖范围内",
        (8, "领域"): "领域“天文”不存在",
    }
    assert "未导入任何数据" in exc.value.message
    assert OpinionItem.objects.count() == 0 and OpinionEvent.objects.count() == 0


def test_a_wrong_header_is_refused(city, clock):
    wb = Workbook()
    wb.active.append(["来源", "时间", "内容"])
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    with pytest.raises(ImportFailed) as exc:
        KINDS["opinion"].import_(buf, actor=city.staff["east_leader"])
    assert exc.value.errors[0].column == "表头"


def test_only_bureau_staff_may_import(city, clock):
    with pytest.raises(PermissionDenied):
        KINDS["opinion"].import_(book(GOOD), actor=city.staff["east_housing_leader"])
    assert OpinionItem.objects.count() == 0


def test_the_import_command_checks_writes_and_reports_errors(city, clock, tmp_path):
    good, bad = tmp_path / "good.xlsx", tmp_path / "bad.xlsx"
    good.write_bytes(book(GOOD).getvalue())
    bad.write_bytes(book([*GOOD[:4], "很多", *GOOD[5:]]).getvalue())
    call_command("import", "opinion", str(good), "--dry-run")
    assert OpinionItem.objects.count() == 0
    call_command("import", "opinion", str(good))
    assert OpinionItem.objects.count() == 1 and OpinionItem.objects.get().unit.code == "B-CITY"
    with pytest.raises(CommandError, match="共1处错误"):
        call_command("import", "opinion", str(bad))
    assert OpinionItem.objects.count() == 1


def test_the_export_reads_back_in_the_import_format(city, clock):
    KINDS["opinion"].import_(book(GOOD), actor=SYSTEM)
    data, n = KINDS["opinion"].export(actor=city.staff["city_analyst"])
    assert n == 1
    OpinionItem.objects.all().delete()
    assert KINDS["opinion"].import_(io.BytesIO(data), actor=city.staff["city_analyst"]) == 1


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def test_the_upload_page_imports_opinion_items_and_lists_errors_by_cell(client, city, clock, immediate_tasks,
                                                                          django_capture_on_commit_callbacks):
    from minxin.exchange.models import JobState, SpreadsheetJob

    client.force_login(city.staff["east_leader"].user)
    assert "舆情信息" in client.get("/exchange/").content.decode()
    upload = book(GOOD)
    upload.name = "舆情.xlsx"
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post("/exchange/opinion/import/", {"file": upload})
    job = SpreadsheetJob.objects.get()
    assert resp.status_code == 302 and job.state == JobState.DONE and job.rows_written == 1
    assert OpinionItem.objects.get().received_by == city.staff["east_leader"]
    bad = book([*GOOD[:3], "javascript:alert(1)", *GOOD[4:]])
    bad.name = "bad.xlsx"
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/exchange/opinion/import/", {"file": bad})
    failed = SpreadsheetJob.objects.exclude(pk=job.pk).get()
    assert failed.state == JobState.FAILED and failed.errors == [
        {"sheet": "舆情信息", "row": 2, "column": "原文链接", "message": "链接应为以http://或https://开头的网址"}]
    assert OpinionItem.objects.count() == 1


def test_people_who_may_not_send_get_no_upload_page(client, city):
    client.force_login(city.staff["east_housing_leader"].user)
    assert client.get("/exchange/opinion/import/").status_code == 403
