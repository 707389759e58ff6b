import csv
import json

import pytest
import time_machine
from django.core.management import call_command

from minxin.core.errors import DomainError, PermissionDenied, ValidationFailed
from minxin.intake.classify import service
from minxin.intake.models import SuggestionFeedback
from minxin.intake.suggest import record_registrar_choice, suggest_for_draft

from .dupdata import ELEVATOR, ELEVATOR_PARAPHRASE, START, person, register
from .synthetic import messages


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(START, tick=False):
        yield


def test_without_models_classification_says_so_and_the_rest_still_works(city):
    result = suggest_for_draft(
        {"content": "法院判决后对方不执行，我再不拿到钱就跳楼", "area": "320902001001"}, staff=city.staff["east_registrar"]
    )
    assert result["classification"]["category"]["available"] is False
    assert result["classification"]["category"]["note"]
    assert result["hints"]["is_litigation"]
    assert result["escalation"]["level"] == "high"
    assert any(f["kind"] == "political_legal" for f in result["routing"]["flags"])
    json.dumps(result, ensure_ascii=False)  # the API returns it as is


def test_active_domain_model_drives_the_routing(city):
    texts, labels = zip(*messages(30, seed=1))
    service.train(name="domain", texts=texts, labels=labels, eval_split=None)
    result = suggest_for_draft({"content": "阳光小区开发商延期交房，电梯故障一直没人管", "area": "320902001001"}, staff=city.staff["east_registrar"])
    dom = result["classification"]["domain"]
    assert dom["available"] and dom["label"] == "城乡建设" and dom["top_terms"]
    assert result["used"]["domain"] == "urban_rural"
    assert result["routing"]["units"][0]["code"] == "G-EAST-HOUSING"


def test_duplicates_in_suggestions_respect_jurisdiction(city, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        register(city, content=ELEVATOR)
    draft = {"content": ELEVATOR_PARAPHRASE, "area": "320902001001", "petitioners": [person("周九")]}
    assert suggest_for_draft(draft, staff=city.staff["east_registrar"])["duplicates"]["items"]
    west = suggest_for_draft({**draft, "area": "320903001001"}, staff=city.staff["west_registrar"])
    assert west["duplicates"]["items"] == []


def test_handlers_cannot_ask_and_empty_drafts_are_refused(city):
    with pytest.raises(PermissionDenied):
        suggest_for_draft({"content": "路灯坏了"}, staff=city.staff["east1_handler"])
    with pytest.raises(ValidationFailed):
        suggest_for_draft({"content": "  "}, staff=city.staff["east_registrar"])


def test_registrar_choices_give_accuracy_and_training_rows(city, tmp_path, capsys):
    a = register(city, content=ELEVATOR)
    b = register(city, content="公司拖欠工资")
    staff = city.staff["east_registrar"]
    record_registrar_choice(a, {"kind": "domain", "label": "城乡建设", "confidence": 0.8, "model": "domain", "version": 1}, "城乡建设", staff=staff)
    record_registrar_choice(b, {"kind": "domain", "label": "城乡建设", "confidence": 0.4, "model": "domain", "version": 1}, "劳动关系", staff=staff)
    assert list(SuggestionFeedback.objects.order_by("case_id").values_list("accepted", flat=True)) == [True, False]
    call_command("intake", "accuracy")
    out = capsys.readouterr().out
    assert "domain" in out and "50.00%" in out
    target = tmp_path / "train.csv"
    call_command("intake", "export-training", "--label", "domain", "--output", str(target))
    with open(target, encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["label"] for r in rows] == ["城乡建设", "劳动关系"]
    assert "阳光小区" in rows[0]["text"]


def test_recording_again_replaces_the_choice(city):
    case = register(city, content=ELEVATOR)
    staff = city.staff["east_registrar"]
    record_registrar_choice(case, {"kind": "category", "label": "complaint"}, "suggestion", staff=staff)
    record_registrar_choice(case, {"kind": "category", "label": "complaint"}, "complaint", staff=staff)
    row = SuggestionFeedback.objects.get(case=case, kind="category")
    assert row.accepted and row.chosen == "complaint"


def test_choices_are_recorded_only_by_a_registrar_who_sees_the_case(city):
    case = register(city, content=ELEVATOR)
    with pytest.raises(TypeError):
        record_registrar_choice(case, {"kind": "category", "label": "complaint"}, "complaint", staff=None)
    for outsider in ("west_registrar", "east_housing_handler", "city_analyst"):
        with pytest.raises(DomainError):
            record_registrar_choice(case, {"kind": "category", "label": "complaint"}, "complaint", staff=city.staff[outsider])
    assert not SuggestionFeedback.objects.exists()


def test_api_suggest_and_feedback(city, client):
    client.force_login(city.staff["east_registrar"].user)
    resp = client.post(
        "/api/v1/intake/suggest",
        data=json.dumps({"content": "我已申请劳动仲裁，公司拖欠60名工人工资", "area": "320902001001"}),
        content_type="application/json",
    )
    assert resp.status_code == 200, resp.content
    body = resp.json()
    assert body["hints"]["routes"][0]["route"] == "arbitration"
    assert body["escalation"]["categories"][0]["code"] == "wage_arrears"
    case = register(city, content=ELEVATOR)
    resp = client.post(
        f"/api/v1/intake/cases/{case.pk}/feedback",
        data=json.dumps({"kind": "category", "suggested": "complaint", "chosen": "complaint"}),
        content_type="application/json",
    )
    assert resp.status_code == 200 and resp.json() == {"kind": "category", "accepted": True}


def test_api_feedback_on_a_case_outside_the_jurisdiction_is_404(city, client):
    case = register(city, content=ELEVATOR)
    client.force_login(city.staff["west_registrar"].user)
    resp = client.post(
        f"/api/v1/intake/cases/{case.pk}/feedback",
        data=json.dumps({"kind": "category", "suggested": "complaint", "chosen": "complaint"}),
        content_type="application/json",
    )
    assert resp.status_code == 404
    assert not SuggestionFeedback.objects.exists()
