"""Importing historical cases: every rule reports its own Chinese message by sheet, row and column; nothing is written."""

import copy
import io
import json

import openpyxl
import pytest
from django.core.management import call_command

from minxin.cases.audit import verify_case
from minxin.cases.models import Case, CaseState, Petitioner
from minxin.exchange.cases import SHEETS, import_cases
from minxin.exchange.sheets import ImportFailed
from minxin.intake.models import CaseTextSignature
from minxin.org.policies import SYSTEM
from minxin.rules.models import CaseDeadline, DeadlineState
from minxin.testing import valid_id

pytestmark = pytest.mark.django_db

GOOD_ID = valid_id()


def good_case(number: str) -> dict:
    return {
        "信访事项": [{
            "信访件编号": number, "信访形式": "来访", "信访类别": "申诉求决", "领域": "房地产", "标题": "小区楼顶漏水",
            "信访内容": "顶楼住户反映楼顶漏水多次报修未果", "问题属地(区划代码)": "320902001001",
            "收到时间": "2026-01-05 09:00", "登记时间": "2026-01-05 09:30", "登记单位(编码)": "B-EAST",
            "登记人(账号)": "east_registrar", "状态": "已转送", "当前办理单位(编码)": "G-EAST-HOUSING",
        }],
        "信访人": [{"信访件编号": number, "姓名": "张三", "身份证号": GOOD_ID, "电话": "13912345678", "住址": "东一社区1号"}],
        "流转记录": [{"信访件编号": number, "时间": "2026-01-06 10:00", "方式": "转送", "接收单位(编码)": "G-EAST-HOUSING",
                  "来自单位(编码)": "B-EAST"}],
        "办理过程": [
            {"信访件编号": number, "序号": 1, "时间": "2026-01-05 09:30", "动作": "登记", "新状态": "已登记", "经办人(账号)": "east_registrar"},
            {"信访件编号": number, "序号": 2, "时间": "2026-01-06 10:00", "动作": "转送", "原状态": "已登记", "新状态": "已转送",
             "经办人(账号)": "east_registrar", "附加信息": json.dumps({"to_unit": "G-EAST-HOUSING"})},
        ],
    }


def workbook(cases: list[dict], extra: dict | None = None) -> io.BytesIO:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for sheet in SHEETS:
        ws = wb.create_sheet(sheet.title)
        ws.append(sheet.headers)
        for case in cases:
            for row in case[sheet.title]:
                ws.append([row.get(h) for h in sheet.headers])
        for row in (extra or {}).get(sheet.title, []):
            ws.append([row.get(h) for h in sheet.headers])
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    return buf


def variant(number: str, change) -> dict:
    case = copy.deepcopy(good_case(number))
    change(case)
    return case


def setter(sheet: str, column: str, value, index: int = 0):
    def change(case):
        case[sheet][index][column] = value
    return change


# (what is wrong, change, expected (sheet, row offset within the case's rows, column, message))
RULES = [
    ("channel", setter("信访事项", "信访形式", "微信"), ("信访事项", 0, "信访形式", "信访形式应为以下之一：网上信访、来信、来访、来电、传真")),
    ("required", setter("信访事项", "信访类别", None), ("信访事项", 0, "信访类别", "不能为空")),
    ("domain", setter("信访事项", "领域", "航天"), ("信访事项", 0, "领域", "领域“航天”不存在")),
    ("area", setter("信访事项", "问题属地(区划代码)", "999999999999"), ("信访事项", 0, "问题属地(区划代码)", "区划代码999999999999不存在")),
    ("impossible date", setter("信访事项", "登记时间", "2026-02-30"), ("信访事项", 0, "登记时间", "日期2026-02-30不存在")),
    ("registered before received", setter("信访事项", "登记时间", "2026-01-04 09:00"), ("信访事项", 0, "登记时间", "不得早于收到时间")),
    ("unit", setter("信访事项", "登记单位(编码)", "NOPE"), ("信访事项", 0, "登记单位(编码)", "单位编码NOPE不存在")),
    ("account", setter("信访事项", "登记人(账号)", "ghost"), ("信访事项", 0, "登记人(账号)", "账号ghost不存在")),
    ("state", setter("信访事项", "状态", "已交办"), ("信访事项", 0, "状态", "与“办理过程”最后一步的新状态“已转送”不一致")),
    ("count", setter("信访事项", "涉及人数", "0"), ("信访事项", 0, "涉及人数", "应为不小于1的整数")),
    ("yes/no", setter("信访事项", "集体访", "也许"), ("信访事项", 0, "集体访", "应填“是”或“否”")),
    ("closed while open", setter("信访事项", "办结时间", "2026-02-01 10:00"), ("信访事项", 0, "办结时间", "状态为“已转送”的事项尚未办结，应为空")),
    ("title length", setter("信访事项", "标题", "长" * 201), ("信访事项", 0, "标题", "不超过200字")),
    ("delivered before received", setter("信访事项", "意见送达日", "2025-12-01"), ("信访事项", 0, "意见送达日", "不得早于收到时间")),
    ("ID checksum", setter("信访人", "身份证号", GOOD_ID[:17] + ("0" if GOOD_ID[17] != "0" else "1")), ("信访人", 0, "身份证号", "身份证号码校验位不正确")),
    ("phone", setter("信访人", "电话", "12345"), ("信访人", 0, "电话", "应为11位手机号码")),
    ("masked", setter("信访人", "姓名", "张*"), ("信访人", 0, "姓名", "已脱敏，不能导入；请使用完整导出")),
    ("routing kind", setter("流转记录", "方式", "快递"), ("流转记录", 0, "方式", "方式应为以下之一：转送、交办、复查、复核、异议改送")),
    ("illegal step", lambda c: (c["办理过程"][1].update({"动作": "受理", "新状态": "办理中"}), c["信访事项"][0].update({"状态": "办理中"})),
     ("办理过程", 1, "动作", "“受理”不能使事项从“已登记”变为“办理中”")),
    ("wrong from-state", setter("办理过程", "原状态", "已交办", 1), ("办理过程", 1, "原状态", "应为“已登记”（上一步之后的状态）")),
    ("time order", setter("办理过程", "时间", "2026-01-05 09:10", 1), ("办理过程", 1, "时间", "早于上一步的时间")),
    ("payload", setter("办理过程", "附加信息", "not json", 1), ("办理过程", 1, "附加信息", "应为JSON对象，如{\"outcome\": \"support\"}")),
    ("sequence", setter("办理过程", "序号", 3, 1), ("办理过程", 1, "序号", "应为2（从1起连续编号）")),
]


def test_a_file_with_one_error_per_rule_reports_exactly_those_and_writes_nothing(city, clock):
    cases = [good_case("LEGACY-0")] + [variant(f"LEGACY-{i + 1}", change) for i, (_w, change, _e) in enumerate(RULES)]
    orphan = {"信访人": [{"信访件编号": "NOPE-1", "姓名": "李四"}]}
    with pytest.raises(ImportFailed) as exc:
        import_cases(workbook(cases, orphan), actor=SYSTEM)
    # Row numbers: case i (0 = the good one) sits on row i + 2 of 信访事项, rows 2i + 2.. of 办理过程.
    expected = []
    for i, (_what, _change, (sheet, offset, column, message)) in enumerate(RULES, start=1):
        row = {"信访事项": i + 2, "信访人": i + 2, "流转记录": i + 2, "办理过程": 2 * i + 2 + offset}[sheet]
        expected.append((sheet, row, column, message))
    expected.append(("信访人", len(cases) + 2, "信访件编号", "信访件编号NOPE-1在“信访事项”表中不存在"))
    got = [(e.sheet, e.row, e.column, e.message) for e in exc.value.errors]
    assert sorted(got) == sorted(expected)
    assert "未导入任何数据" in exc.value.message
    assert Case.objects.count() == 0 and Petitioner.objects.count() == 0 and CaseDeadline.objects.count() == 0


def test_a_good_file_loads_cases_with_their_clocks_audit_chain_and_index(city, clock):
    result = import_cases(workbook([good_case("LEGACY-1"), good_case("LEGACY-2")]), actor=SYSTEM)
    assert result.cases == 2 and result.petitioners_new == 1  # one person (same ID number) behind both
    case = Case.objects.get(number="LEGACY-1")
    assert case.state == CaseState.TRANSFERRED and case.current_unit.code == "G-EAST-HOUSING"
    assert verify_case(case) == []
    running = set(CaseDeadline.objects.filter(case=case, state=DeadlineState.RUNNING).values_list("code", flat=True))
    assert "objection_5wd" in running and case.next_due_on is not None
    assert CaseDeadline.objects.get(case=case, code="register_route_15d").state == DeadlineState.MET
    assert case.routings.get().from_unit.code == "B-EAST"
    assert Petitioner.objects.count() == 1
    assert CaseTextSignature.objects.filter(case=case).exists()  # the duplicate index knows it


def test_importing_the_same_numbers_again_is_refused(city, clock):
    import_cases(workbook([good_case("LEGACY-1")]), actor=SYSTEM)
    with pytest.raises(ImportFailed) as exc:
        import_cases(workbook([good_case("LEGACY-1")]), actor=SYSTEM)
    assert [str(e) for e in exc.value.errors] == ["“信访事项”第2行“信访件编号”：系统中已有信访件LEGACY-1"]
    assert Case.objects.count() == 1


def test_a_dry_run_checks_everything_and_writes_nothing(city, clock):
    result = import_cases(workbook([good_case("LEGACY-1")]), actor=SYSTEM, dry_run=True)
    assert result.cases == 1 and Case.objects.count() == 0


def test_cases_outside_the_importers_area_are_refused(city, clock):
    case = good_case("LEGACY-1")
    case["信访事项"][0]["问题属地(区划代码)"] = "320903001001"  # 西一社区, not 东城区
    with pytest.raises(ImportFailed, match="不在您的管辖范围内"):
        import_cases(workbook([case]), actor=city.staff["east_leader"])


def test_only_a_bureau_leader_may_import_cases(city, clock):
    from minxin.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        import_cases(workbook([good_case("LEGACY-1")]), actor=city.staff["east_registrar"])


def test_the_command_writes_a_template_and_imports_with_dry_run(city, clock, tmp_path, capsys):
    out = tmp_path / "t.xlsx"
    call_command("import", "template", "cases", str(out))
    wb = openpyxl.load_workbook(out, read_only=True)
    assert wb.sheetnames == ["信访事项", "信访人", "流转记录", "办理过程", "说明"]
    path = tmp_path / "cases.xlsx"
    path.write_bytes(workbook([good_case("LEGACY-1")]).getvalue())
    call_command("import", "cases", str(path), "--dry-run")
    assert Case.objects.count() == 0
    call_command("import", "cases", str(path))
    assert Case.objects.filter(number="LEGACY-1").exists()
