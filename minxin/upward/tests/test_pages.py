import pytest

from minxin.testing import PASSWORD, make_case
from minxin.upward import services as svc
from minxin.upward.models import UpwardEvent, UrgentMatter
from minxin.upward.tests.factories import CONTENTS, reporting_lines


def login(client, username):
    assert client.login(username=username, password=PASSWORD)
    return client


@pytest.fixture
def case(city):
    reporting_lines(city)
    return make_case(city, area="east1v", registering_unit="east_bureau", current_unit="east1_office")


def test_marking_on_the_page_drafts_the_first_report_and_is_audited(city, client, case):
    c = login(client, "east_leader")
    r = c.post("/upward/mark/", {"case_number": case.number, "gravity": "urgent", "reason": "聚集"}, follow=True)
    matter = UrgentMatter.objects.get()
    assert r.redirect_chain[-1][0] == f"/upward/{matter.pk}/"
    html = r.content.decode()
    assert "首报（第1报）" in html and "尚缺必备内容" in html
    assert UpwardEvent.objects.filter(matter=matter, action="marked", actor=city.staff["east_leader"]).exists()


def test_a_refused_step_is_shown_in_chinese_and_writes_nothing(city, client, case):
    matter = svc.mark_case(case, actor=city.staff["east_leader"], gravity="urgent", reason="聚集")
    report = matter.reports.get()
    before = UpwardEvent.objects.count()
    c = login(client, "east_leader")
    html = c.post(f"/upward/{matter.pk}/submit/", {"report": report.pk}, follow=True).content.decode()
    assert "报告缺少必备内容" in html
    assert UpwardEvent.objects.count() == before


def test_the_list_and_the_matter_page_are_scoped(city, client, case):
    matter = svc.mark_case(case, actor=city.staff["east_leader"], gravity="urgent", reason="聚集")
    svc.update_report(matter.reports.get(), actor=city.staff["east_leader"], **CONTENTS)
    assert matter.title in login(client, "city_analyst").get("/upward/?show=all").content.decode()
    client.logout()
    c = login(client, "west_registrar")
    assert matter.title not in c.get("/upward/?show=all").content.decode()
    r = c.get(f"/upward/{matter.pk}/", follow=True)
    assert r.redirect_chain[-1][0] == "/upward/" and "无权查看" in r.content.decode()


def test_the_nav_shows_the_page_to_working_roles_only(city, client, case):
    assert "重大紧急报告" in login(client, "east_leader").get("/").content.decode()
    client.logout()
    assert "重大紧急报告" not in login(client, "east_registrar").get("/").content.decode()


def test_a_case_marked_urgent_here_is_flagged_in_the_case_lists_and_on_its_page(city, client, case):
    c = login(client, "east_leader")
    assert "重大紧急" not in c.get("/cases/?scope=all").content.decode().split("<tbody", 1)[-1]
    c.post("/upward/mark/", {"case_number": case.number, "gravity": "urgent", "reason": "聚集"})
    case.refresh_from_db()
    assert case.is_urgent
    rows = c.get("/cases/?scope=all").content.decode().split("<tbody", 1)[-1]
    assert case.subject in rows and "重大紧急" in rows
