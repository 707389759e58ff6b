"""The annual report (第四十一条) and the weekly brief: open with python-docx, have the sections and the known numbers."""

import datetime as dt
import io

import docx
import pytest
from django.core.management import call_command

from minxin.cases.models import Case
from minxin.core import clock as mclock
from minxin.oversight.models import Supervision
from minxin.oversight.reports import annual, weekly
from minxin.rules.models import DeadlineRule

pytestmark = pytest.mark.django_db


def text_of(content: bytes) -> str:
    d = docx.Document(io.BytesIO(content))
    parts = [p.text for p in d.paragraphs]
    for t in d.tables:
        for row in t.rows:
            parts.append("|".join(c.text for c in row.cells))
    return "\n".join(parts)


def supervise(city, case, level=1):
    now = mclock.now()
    return Supervision.objects.create(
        case=case, issuing_unit=city.units["east_bureau"], target_unit=city.units["east_housing"], level=level,
        ground="delay", reason="拖延办理", issued_by=city.staff["east_leader"], issued_at=now,
        reply_due_on=now.date() + dt.timedelta(days=5), reply_rule=DeadlineRule.objects.first(),
    )


@pytest.fixture
def year_of_cases(city, flow):
    a = flow.register(area="east1v")
    b = flow.register(area="east2v", category="accusation")
    c = flow.register(area="east1v")
    flow.register(registrar="west_registrar", area="west1v")  # another county: not in 东城区's report
    Case.objects.filter(pk=b.pk).update(accused_unit=city.units["east_hr"])
    flow.transfer(a)
    flow.transfer(c)
    supervise(city, a, level=2)
    return a, b, c


def test_annual_report_has_the_four_sections_of_article_41_with_known_numbers(city, year_of_cases, tmp_path):
    out = tmp_path / "annual.docx"
    call_command("report", "annual", "--year", "2026", "--area", city.areas["east"].code, "--output", str(out))
    text = text_of(out.read_bytes())
    assert "东城区2026年度信访情况报告" in text.replace("示范市", "")
    for heading in ("一、信访事项的数据统计、涉及领域以及被投诉较多的机关、单位", "二、转送、交办、督办情况",
                    "三、提出改进工作、完善政策、追究责任建议以及被采纳情况", "四、其他应当报告的事项"):
        assert heading in text
    assert "本年度共收到信访事项3件，其中来访3件" in text
    assert "东城区人力资源和社会保障局|1" in text  # 被投诉较多的单位
    assert "东城区住房和城乡建设局|2" in text  # 办理较多的责任单位
    assert "本年度转送信访事项2件次，交办0件次" in text
    assert "发出督办单1件" in text and "重点督办|1" in text
    assert "尚未记录" in text  # proposals are not in the system: said, not invented
    assert "按期办结率" in text


def test_annual_report_for_another_year_counts_nothing(city, year_of_cases):
    data = annual.collect(year=2025, area=city.areas["east"], cases=Case.objects.all())
    assert data["volume"]["received"] == 0 and data["supervision"]["total"] == 0


def test_weekly_brief_compares_with_last_week_and_lists_overdue_cases_and_risks(city, flow, tmp_path):
    from minxin.risk.models import Alert

    first = [flow.register(area="east1v") for _ in range(3)]  # W10
    flow.advance(days=7)
    second = flow.register(area="east2v")  # W11
    Alert.objects.create(kind="manual", level="red", title="东一社区集体访风险", area=city.areas["east1v"],
                         created_at=mclock.now(), dedupe_key="test:weekly:1")
    Alert.objects.create(kind="manual", level="blue", title="西城一般风险", area=city.areas["west1v"],
                         created_at=mclock.now(), dedupe_key="test:weekly:2")
    flow.advance(days=60)
    out = tmp_path / "weekly.docx"
    call_command("report", "weekly", "--week", "2026-W11", "--area", city.areas["east"].code, "--output", str(out))
    text = text_of(out.read_bytes())
    for heading in ("一、本周主要数字", "二、信访形式与类别", "三、重点风险", "四、超期未办结事项"):
        assert heading in text
    assert "本周收到信访事项1件，较上周下降66.7%" in text
    assert "收到信访事项|1|3|下降66.7%" in text
    assert "东一社区集体访风险|红" in text and "西城一般风险" not in text
    # Overdue as at the end of that week: the 15-day clocks from 3月2日 and 3月9日 had not run out yet.
    assert "截至2026-03-16，超期在办的信访事项共0件" in text
    later = text_of(weekly.render(weekly.collect(monday=weekly.parse_week("2026-W14"), area=city.areas["east"],
                                                 cases=Case.objects.all())))
    assert "截至2026-04-06，超期在办的信访事项共4件" in later
    for case in [*first, second]:
        assert case.number in later


def test_week_parsing():
    assert weekly.parse_week("2026-W10") == dt.date(2026, 3, 2)
    with pytest.raises(ValueError):
        weekly.parse_week("2026-10")


def test_report_downloads_from_the_dashboard_are_scoped_to_the_viewer(client, city, year_of_cases):
    client.force_login(city.staff["east_leader"].user)
    resp = client.get("/oversight/reports/annual.docx", {"year": "2026"})
    assert resp.status_code == 200
    text = text_of(resp.content)
    assert "本年度共收到信访事项3件" in text
    resp = client.get("/oversight/reports/weekly.docx", {"week": "2026-W10"})
    assert "本周收到信访事项3件" in text_of(resp.content)
    client.force_login(city.staff["east_housing_handler"].user)
    assert client.get("/oversight/reports/annual.docx").status_code == 403
