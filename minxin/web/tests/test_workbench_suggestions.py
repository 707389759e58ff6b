"""智能建议 on the registration form: the htmx partial, and recording the registrar's choice."""

import re

import pytest
import time_machine
from django.core import signing

from minxin.cases.models import Case, Domain
from minxin.intake.classify import service
from minxin.intake.models import SuggestionFeedback
from minxin.intake.tests.dupdata import ELEVATOR, ELEVATOR_PARAPHRASE, START, person, register
from minxin.intake.tests.synthetic import messages
from minxin.web.cases.suggestions import SALT
from minxin.web.tests.test_workbench_register import form_data

pytestmark = pytest.mark.django_db

URL = "/cases/register/suggestions/"


@pytest.fixture(autouse=True)
def _frozen():
    service.clear_cache()
    with time_machine.travel(START, tick=False):
        yield
    service.clear_cache()


@pytest.fixture
def domain_model():
    texts, labels = zip(*messages(30, seed=1))
    return service.train(name="domain", texts=texts, labels=labels, eval_split=None)


def _only(content: str, **kw) -> dict:
    """Just the matter text: the other typed fields would dilute the similarity to the earlier case."""
    return {"subject": "", "content": content, "request": "", "facts": "", "reasons": "", **kw}


def _token(html: str, kind: str) -> str:
    m = re.search(rf'name="suggestion_{kind}" value="([^"]+)"', html)
    assert m, f"no signed {kind} suggestion in the panel"
    return m.group(1)


def test_active_domain_model_shows_top_suggestions_with_confidence_and_driving_words(client, city, domain_model):
    client.force_login(city.staff["east_registrar"].user)
    resp = client.post(URL, form_data(city, subject="", content="阳光小区开发商延期交房，电梯故障一直没人管"))
    assert resp.status_code == 200
    html = resp.content.decode()
    block = html[html.index('data-testid="suggestion-domain"'):]
    urban = Domain.objects.get(name="城乡建设")
    assert "城乡建设" in block and re.search(r"置信度 \d+%", block)
    assert f'data-adopt-select="id_domain" data-adopt-value="{urban.pk}"' in block
    assert "决定性词语" in block and "<mark>" in block
    assert 'name="suggestion_domain"' in html
    # No category model: the panel says so instead of guessing.
    assert "暂无启用的分类模型" in html[html.index('data-testid="suggestion-category"'):]
    assert "东城区住房和城乡建设局" in html  # routed by the model's domain guess


def test_without_any_model_the_panel_says_no_model_is_active_and_still_flags_danger(client, city):
    client.force_login(city.staff["east_registrar"].user)
    resp = client.post(URL, form_data(city, content="法院判决后对方不执行，我再不拿到钱就跳楼"))
    html = resp.content.decode()
    assert resp.status_code == 200
    assert html.count("暂无启用的分类模型") == 2
    assert 'name="suggestion_' not in html
    assert 'data-testid="suggestion-danger"' in html and "跳楼" in html
    assert "诉访分离提示" in html and 'data-testid="suggestion-flag"' in html


def test_an_earlier_visible_case_of_the_same_petitioner_is_shown_as_a_repeat_with_a_link(
    client, city, django_capture_on_commit_callbacks
):
    someone = person("周九")
    with django_capture_on_commit_callbacks(execute=True):
        earlier = register(city, content=ELEVATOR, petitioners=[someone])
    client.force_login(city.staff["east_registrar"].user)
    resp = client.post(URL, form_data(city, **_only(ELEVATOR_PARAPHRASE), **{"p-0-name": "周九", "p-0-id_number": someone["id_number"]}))
    html = resp.content.decode()
    dupes = html[html.index('data-testid="suggestion-duplicates"'):]
    assert earlier.number in dupes and f'href="/cases/{earlier.pk}/"' in dupes
    assert "重复信访" in dupes
    assert 'data-relation="same"' in dupes and "可能同一事项" in dupes


def test_a_close_case_below_the_threshold_is_listed_as_related(client, city, django_capture_on_commit_callbacks):
    from minxin.intake.tests.test_same_matter import PARKING_SAME_ESTATE, PLANT

    someone = person("周九")
    with django_capture_on_commit_callbacks(execute=True):
        earlier = register(city, content=PLANT, petitioners=[someone])
    client.force_login(city.staff["east_registrar"].user)
    resp = client.post(URL, form_data(city, **_only(PARKING_SAME_ESTATE), **{"p-0-name": "周九", "p-0-id_number": someone["id_number"]}))
    html = resp.content.decode()
    dupes = html[html.index('data-testid="suggestion-duplicates"'):]
    assert earlier.number in dupes and 'data-relation="related"' in dupes and "相关" in dupes
    assert "重复信访" not in dupes and "未发现重复或相似事项" not in html


def test_a_case_outside_the_registrars_jurisdiction_is_never_shown(client, city, django_capture_on_commit_callbacks):
    someone = person("周九")
    with django_capture_on_commit_callbacks(execute=True):
        east = register(city, content=ELEVATOR, petitioners=[someone])
    client.force_login(city.staff["west_registrar"].user)
    data = form_data(city, **_only(ELEVATOR), area_1="", area_2="", **{"p-0-name": "周九", "p-0-id_number": someone["id_number"]})
    resp = client.post(URL, data)
    html = resp.content.decode()
    assert resp.status_code == 200
    assert east.number not in html and f"/cases/{east.pk}/" not in html
    assert "未发现重复或相似事项" in html


def test_html_typed_or_stored_is_escaped(client, city, django_capture_on_commit_callbacks):
    evil = '<img src=x onerror="alert(1)">'
    with django_capture_on_commit_callbacks(execute=True):
        register(city, content=ELEVATOR, subject=f"{evil}电梯")
    client.force_login(city.staff["east_registrar"].user)
    resp = client.post(URL, form_data(city, **_only(ELEVATOR_PARAPHRASE + evil)))
    html = resp.content.decode()
    assert resp.status_code == 200
    assert "<img src=x" not in html
    assert "&lt;img src=x" in html  # the earlier case's subject, shown as text


def test_a_handler_gets_403_on_the_partial(client, city):
    client.force_login(city.staff["east1_handler"].user)
    resp = client.post(URL, form_data(city))
    assert resp.status_code == 403


def test_an_empty_draft_gets_a_message_not_an_error_page(client, city):
    client.force_login(city.staff["east_registrar"].user)
    resp = client.post(URL, form_data(city, subject="", content="", request="", facts="", reasons=""))
    assert resp.status_code == 200
    assert "请先填写标题或信访内容" in resp.content.decode()


def test_registration_records_suggested_versus_chosen_for_each_shown_suggestion(client, city, domain_model):
    client.force_login(city.staff["east_registrar"].user)
    panel = client.post(URL, form_data(city, content="阳光小区开发商延期交房，电梯故障一直没人管")).content.decode()
    labour = Domain.objects.exclude(name="城乡建设").order_by("pk").first()
    category = signing.dumps({"kind": "category", "label": "complaint", "confidence": 0.7, "model": "category",
                              "version": 1, "top": [{"label": "complaint", "confidence": 0.7}]}, salt=SALT)
    data = form_data(city, domain=str(labour.pk), suggestion_domain=_token(panel, "domain"), suggestion_category=category)
    resp = client.post("/cases/register/", data)
    assert resp.status_code == 302
    case = Case.objects.get()
    rows = {r.kind: r for r in SuggestionFeedback.objects.filter(case=case)}
    assert set(rows) == {"category", "domain"}
    assert rows["domain"].suggested == "城乡建设" and rows["domain"].chosen == labour.name and not rows["domain"].accepted
    assert rows["domain"].model_name == "domain" and rows["domain"].model_version == domain_model.version
    assert rows["category"].accepted and rows["category"].chosen == "complaint"
    assert rows["domain"].staff == city.staff["east_registrar"]


def test_keeping_the_suggested_domain_counts_as_accepted(client, city, domain_model):
    client.force_login(city.staff["east_registrar"].user)
    panel = client.post(URL, form_data(city, content="阳光小区开发商延期交房，电梯故障一直没人管")).content.decode()
    urban = Domain.objects.get(name="城乡建设")
    resp = client.post("/cases/register/", form_data(city, domain=str(urban.pk), suggestion_domain=_token(panel, "domain")))
    assert resp.status_code == 302
    assert SuggestionFeedback.objects.get(kind="domain").accepted


@pytest.mark.parametrize("token", [
    "not-a-token",
    signing.dumps({"kind": "domain", "label": "城乡建设"}, salt="another.salt"),
    signing.dumps({"kind": "category", "label": "complaint"}, salt=SALT),  # signed, but for the other field
])
def test_forged_or_misplaced_suggestion_data_is_ignored_and_registration_still_succeeds(client, city, token):
    client.force_login(city.staff["east_registrar"].user)
    resp = client.post("/cases/register/", form_data(city, suggestion_domain=token))
    assert resp.status_code == 302
    assert Case.objects.count() == 1
    assert not SuggestionFeedback.objects.exists()


def test_tampered_signed_suggestion_is_ignored(client, city):
    good = signing.dumps({"kind": "domain", "label": "城乡建设", "confidence": 0.9}, salt=SALT)
    rest = good.split(":", 1)[1]
    forged = signing.dumps({"kind": "domain", "label": "劳动和社会保障", "confidence": 0.99}, salt=SALT).split(":", 1)[0] + ":" + rest
    client.force_login(city.staff["east_registrar"].user)
    assert client.post("/cases/register/", form_data(city, suggestion_domain=forged)).status_code == 302
    assert not SuggestionFeedback.objects.exists()


def test_the_registration_page_has_the_suggestions_panel(client, city):
    client.force_login(city.staff["east_registrar"].user)
    html = client.get("/cases/register/").content.decode()
    assert "智能建议" in html and 'hx-post="/cases/register/suggestions/"' in html and 'id="suggestions-panel"' in html


def test_a_form_shown_again_with_errors_asks_for_its_suggestions_again_on_load(client, city):
    client.force_login(city.staff["east_registrar"].user)
    fresh = client.get("/cases/register/").content.decode()
    assert 'hx-trigger="load,' not in fresh  # nothing typed yet: nothing to suggest
    resp = client.post("/cases/register/", form_data(city, channel=""))
    assert resp.status_code == 422 and Case.objects.count() == 0
    assert 'hx-trigger="load, click' in resp.content.decode()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_in_the_browser_the_registrar_asks_adopts_by_keyboard_and_the_choice_is_recorded(page, city, settings, tmp_path):
    from playwright.sync_api import expect

    from minxin.testing import PASSWORD

    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True  # the server's clock is frozen in the past
    texts, labels = zip(*messages(30, seed=1))
    service.train(name="domain", texts=texts, labels=labels, eval_split=None)
    urban = Domain.objects.get(name="城乡建设")
    page.goto(f"{page.base_url}/login/")
    page.get_by_label("用户名").fill(city.staff["east_registrar"].user.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.goto(f"{page.base_url}/cases/register/")
    page.locator("#id_content").fill("阳光小区开发商延期交房，电梯故障一直没人管")
    page.get_by_role("button", name="获取建议").click()
    block = page.get_by_test_id("suggestion-domain")
    expect(block).to_contain_text("城乡建设")
    adopt = block.get_by_role("button", name="采用").first
    adopt.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#id_domain")).to_have_value(str(urban.pk))
    page.locator("#id_channel").select_option("visit")
    page.locator("#id_category").select_option("complaint")
    page.locator("#id_subject").fill("电梯故障")
    page.locator("#id_facts").fill("一直没人管")
    page.locator("#id_reasons").fill("影响出行")
    page.locator("#id_p-0-name").fill("王小明")
    page.locator("#id_p-0-address").fill("东一社区1号")
    page.get_by_role("button", name="登记", exact=True).click()  # 诉求 left out: the form comes back
    expect(page.locator(".form__error").first).to_be_visible()
    expect(page.get_by_test_id("suggestion-domain")).to_contain_text("城乡建设")  # asked again, not lost
    page.locator("#id_request").fill("尽快修复")
    page.get_by_role("button", name="登记", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("已登记")
    row = SuggestionFeedback.objects.get(kind="domain")
    assert row.accepted and row.chosen == "城乡建设"
