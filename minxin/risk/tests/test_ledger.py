import datetime as dt
import io

import pytest
import time_machine
from openpyxl import Workbook, load_workbook

from minxin.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from minxin.risk import ledger, screening
from minxin.exchange.ledger import COLUMNS, export_ledger, import_ledger
from minxin.risk.models import DisputeEntry, DisputeStatus, Reassessment, RiskEvent, RiskLevel
from minxin.risk.tests.factories import TZ, domain

NOW = dt.datetime(2026, 4, 8, 9, 0, tzinfo=TZ)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as t:
        yield t


def entry(city, *, actor="east_leader", area="grid1", level=RiskLevel.YELLOW, unit="east_housing", **kw):
    return ledger.create_entry(
        actor=city.staff[actor], source="grid", domain=domain("房地产"), area=city.areas[area],
        summary=kw.pop("summary", "某小区业主与开发商就延期交房产生纠纷"), level=level,
        level_reasons=kw.pop("level_reasons", "业主多次聚集"), responsible_unit=city.units[unit],
        people_count=kw.pop("people_count", 30), amount_wan=kw.pop("amount_wan", "120.5"), **kw,
    )


def test_grid_entry_is_recorded_with_audit_event(city):
    e = entry(city)
    assert e.area == city.areas["grid1"] and str(e.amount_wan) == "120.50"
    assert RiskEvent.objects.filter(entry=e, action="entry_created").count() == 1


def test_entry_outside_jurisdiction_is_refused_and_nothing_written(city):
    with pytest.raises(PermissionDenied, match="不在"):
        entry(city, actor="east_leader", area="west1v")
    assert not DisputeEntry.objects.exists()


def test_id_numbers_in_parties_are_refused(city):
    with pytest.raises(ValidationFailed, match="身份证号"):
        entry(city, parties="张三 320902198001010011")


def test_red_risk_without_reasons_is_refused(city):
    with pytest.raises(ValidationFailed, match="定级理由"):
        entry(city, level=RiskLevel.RED, level_reasons="")


def test_county_sees_only_its_subtree_of_the_ledger(city):
    east = entry(city)
    west = entry(city, actor="city_leader", area="west1v", unit="west1_office")
    assert list(ledger.entries_visible_to(city.staff["east_leader"])) == [east]
    assert set(ledger.entries_visible_to(city.staff["city_leader"])) == {east, west}
    # The responsible unit sees its own line even though its area is the county.
    assert list(ledger.entries_visible_to(city.staff["west1_handler"])) == [west]


def test_resolving_needs_a_recorded_step_and_is_final(city):
    e = entry(city)
    leader = city.staff["east_leader"]
    with pytest.raises(InvalidTransition, match="化解措施"):
        ledger.set_status(e, actor=leader, status=DisputeStatus.RESOLVED)
    ledger.add_step(e, actor=city.staff["east_housing_handler"], description="组织业主与开发商座谈", taken_on=dt.date(2026, 4, 7))
    ledger.set_status(e, actor=leader, status=DisputeStatus.RESOLVED)
    with pytest.raises(InvalidTransition):
        ledger.set_status(e, actor=leader, status=DisputeStatus.HANDLING)


def test_weekly_round_lists_red_and_orange_and_records_each_reassessment_once(city):
    red = entry(city, level=RiskLevel.RED)
    orange = entry(city, level=RiskLevel.ORANGE)
    entry(city, level=RiskLevel.BLUE)
    leader = city.staff["east_leader"]
    rnd = screening.open_round(actor=leader, area=city.areas["east"], cadence="weekly")
    assert set(rnd.entries.all()) == {red, orange}
    screening.reassess(rnd, red, actor=leader, new_level=RiskLevel.ORANGE, note="已签订分期交房协议")
    red.refresh_from_db()
    assert red.level == RiskLevel.ORANGE
    lines = screening.round_lines(rnd)
    assert [line.done for line in lines] == [False, True]
    with pytest.raises(Exception, match="已评估"):
        screening.reassess(rnd, red, actor=leader, new_level=RiskLevel.YELLOW, note="再评")
    assert Reassessment.objects.count() == 1


def test_handlers_cannot_open_rounds(city):
    with pytest.raises(PermissionDenied):
        screening.open_round(actor=city.staff["east_housing_handler"], area=city.areas["east"], cadence="monthly")


def test_red_entry_unassessed_for_eight_days_is_overdue_but_yellow_is_not(city, frozen):
    red = entry(city, level=RiskLevel.RED)
    entry(city, level=RiskLevel.YELLOW)
    frozen.move_to(NOW + dt.timedelta(days=8))
    assert screening.overdue_for_reassessment(city.staff["east_leader"]) == [red]


# ---------------------------------------------------------------- Excel


def workbook(rows, header=COLUMNS) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    return buf


GOOD = [1, "2026-04-01", "320902001001001", "房地产", "延期交房纠纷", 30, 120, "红", "东城区住房和城乡建设局", "王科长", "约谈开发商", "在办"]


def test_import_reads_the_bureaus_format(city):
    rows = [GOOD, [2, dt.datetime(2026, 3, 30), "320902101201", "劳动关系", "拖欠工资", 12, "35.5", "黄", "G-EAST-HR", "李科长", "", "稳控"]]
    created = import_ledger(workbook(rows), actor=city.staff["east_leader"])
    assert len(created) == 2
    wage = DisputeEntry.objects.get(summary="拖欠工资")
    assert (wage.level, wage.status, wage.responsible_unit.code, str(wage.amount_wan)) == ("yellow", "stable", "G-EAST-HR", "35.50")


def test_import_with_one_bad_row_writes_nothing_and_names_row_and_column(city):
    bad = list(GOOD)
    bad[7] = "紫"
    bad2 = list(GOOD)
    bad2[2] = "320903001001"  # 西一社区: not in 东城区's jurisdiction
    with pytest.raises(ValidationFailed) as exc:
        import_ledger(workbook([GOOD, bad, bad2]), actor=city.staff["east_leader"])
    msg = exc.value.message
    assert "第3行“风险等级”" in msg and "第4行“所属区域(区划代码)”" in msg and "未导入任何数据" in msg
    assert {(e["row"], e["column"]) for e in exc.value.rows} == {(3, "风险等级"), (4, "所属区域(区划代码)")}
    assert not DisputeEntry.objects.exists()


def test_import_refuses_a_sheet_with_the_wrong_header(city):
    with pytest.raises(ValidationFailed, match="表头"):
        import_ledger(workbook([GOOD], header=["序号", "日期"]), actor=city.staff["east_leader"])


def test_export_round_trips_through_import(city):
    e = entry(city)
    ledger.add_step(e, actor=city.staff["east_leader"], description="入户走访", taken_on=dt.date(2026, 4, 2))
    data = export_ledger(city.staff["east_leader"])
    ws = load_workbook(io.BytesIO(data)).active
    assert [c.value for c in ws[1]] == COLUMNS
    assert ws.cell(row=2, column=3).value == "320902001001001" and "入户走访" in ws.cell(row=2, column=11).value
    DisputeEntry.objects.all().delete()
    import_ledger(io.BytesIO(data), actor=city.staff["east_leader"])
    again = DisputeEntry.objects.get()
    assert (again.area, again.level, again.people_count) == (e.area, e.level, e.people_count)


def test_export_contains_only_the_callers_subtree(city):
    entry(city)
    entry(city, actor="city_leader", area="west1v", unit="west1_office", summary="西城纠纷")
    ws = load_workbook(io.BytesIO(export_ledger(city.staff["east_leader"]))).active
    assert ws.max_row == 2


def test_a_red_entry_goes_to_the_alert_inbox_once(city):
    from minxin.risk.models import Alert, AlertKind

    e = entry(city, level=RiskLevel.ORANGE)
    assert not Alert.objects.exists()
    leader = city.staff["east_leader"]
    rnd = screening.open_round(actor=leader, area=city.areas["east"], cadence="weekly")
    screening.reassess(rnd, e, actor=leader, new_level=RiskLevel.RED, note="业主已聚集")
    ledger.update_entry(e, actor=leader, people_count=80)
    alert = Alert.objects.get()
    assert (alert.kind, alert.entry, alert.area) == (AlertKind.LEDGER, e, city.areas["grid1"])


def test_city_functional_unit_neither_sees_nor_changes_a_county_entry_assigned_elsewhere(city):
    # The probe: 市住建局 added a step to a 东城区 line assigned to 东城区住建局.
    e = entry(city, unit="east_housing")
    city_housing = city.staff["city_housing_handler"]
    assert list(ledger.entries_visible_to(city_housing)) == []
    with pytest.raises(PermissionDenied, match="未交由"):
        ledger.add_step(e, actor=city_housing, description="电话了解情况")
    with pytest.raises(PermissionDenied, match="未交由"):
        ledger.update_entry(e, actor=city_housing, measures="约谈开发商")
    with pytest.raises(PermissionDenied, match="未交由"):
        ledger.set_status(e, actor=city_housing, status=DisputeStatus.STABLE)
    assert not e.steps.exists()


def test_assigned_unit_sees_and_works_its_entry_and_a_township_only_its_own(city):
    e = entry(city, unit="east_housing")
    ledger.add_step(e, actor=city.staff["east_housing_handler"], description="约谈开发商")
    assert list(ledger.entries_visible_to(city.staff["east_housing_handler"])) == [e]
    # 东一街道 is the entry's area but the line is not assigned to it.
    assert list(ledger.entries_visible_to(city.staff["east1_handler"])) == []
    with pytest.raises(PermissionDenied):
        ledger.add_step(e, actor=city.staff["east1_handler"], description="入户走访")


def test_unit_sees_the_entry_it_registered_for_another_unit(city):
    e = entry(city, actor="east1_handler", area="east1v", unit="east_housing")
    assert list(ledger.entries_visible_to(city.staff["east1_handler"])) == [e]
    assert list(ledger.entries_visible_to(city.staff["east_hr_handler"])) == []
