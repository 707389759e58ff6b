from minxin.intake.hints import route_hints
from minxin.intake.models import HintPhrase


def routes(result):
    return [r["route"] for r in result["routes"]]


def test_court_judgment_points_to_litigation_with_positions(db):
    text = "法院判决已经生效，对方一直不履行，我申请执行后也没有结果"
    result = route_hints({"content": text})
    assert routes(result)[0] == "litigation"
    assert result["is_litigation"]
    found = {p["phrase"]: p for p in result["routes"][0]["phrases"]}
    assert text[found["法院"]["start"]:found["法院"]["end"]] == "法院"
    assert found["判决"]["field_label"] == "信访内容"
    assert "第三十一条" in result["routes"][0]["reasons"][0]


def test_labour_arbitration_is_not_counted_twice(db):
    result = route_hints({"content": "我已经申请劳动仲裁，仲裁委一直没有开庭审理"})
    arb = next(r for r in result["routes"] if r["route"] == "arbitration")
    assert [p["phrase"] for p in arb["phrases"]].count("仲裁") == 0  # inside 劳动仲裁 and 仲裁委


def test_administrative_review_and_penalty(db):
    result = route_hints({"request": "请求撤销城管局的处罚决定", "facts": "我已申请行政复议"})
    adm = next(r for r in result["routes"] if r["route"] == "administrative")
    assert {"处罚决定", "行政复议"} <= {p["phrase"] for p in adm["phrases"]}
    assert {"行政复议", "行政程序"} <= set(adm["channels"])


def test_ordinary_request_has_no_hint(db):
    assert route_hints({"content": "小区路灯坏了，希望尽快修好"})["routes"] == []


def test_lexicon_edits_take_effect(db):
    text = "对方拒不履行调解书"
    assert route_hints({"content": text})["routes"] == []
    HintPhrase.objects.create(phrase="调解书", route="litigation", channel="诉讼", weight=1.0)
    assert routes(route_hints({"content": text})) == ["litigation"]
    HintPhrase.objects.filter(phrase="调解书").update(is_active=False)
    assert route_hints({"content": text})["routes"] == []
