"""The staff search box (cases/search.py): text, place, unit, petitioner identity; ranked; scoped."""

import pytest

from minxin.cases import services as svc
from minxin.cases.models import Case, Petitioner
from minxin.cases.search import parse, search, tsquery
from minxin.cases.searchdoc import document, tokens
from minxin.testing import person, valid_id

pytestmark = pytest.mark.django_db


def numbers(qs):
    return [c.number for c in qs]


def visible(city, key="east_registrar"):
    return Case.objects.visible_to(city.staff[key])


def test_chinese_text_is_cut_into_character_bigrams_and_latin_runs_into_words():
    assert tokens("拆迁补偿款ABC１２３") == ["拆迁", "迁补", "补偿", "偿款", "abc123"]
    assert tokens("楼 3号") == ["楼", "3", "号"]


def test_a_query_term_is_a_phrase_of_its_bigrams_and_terms_are_all_required():
    assert tsquery(parse("拆迁补偿 3号")) == "('拆迁' <-> '迁补' <-> '补偿') & ('3' <-> '号':*)"


def test_document_keeps_positions_and_weights_and_escapes_quotes():
    assert document([("A", "电梯"), ("C", "it's 电梯")]) == "'电梯':1A,4C 'it':2C 's':3C"


def test_words_of_the_content_find_the_case_but_not_a_scattered_match(city, register):
    lift = register(subject="小区问题", content="三号楼电梯停运两个月，物业不予维修")
    scattered = register(subject="电费", content="梯子停在楼道", request="电费", facts="电", reasons="梯")
    assert numbers(search(visible(city), "电梯停运")) == [lift.number]
    assert scattered.number not in numbers(search(visible(city), "电梯"))


def test_several_terms_must_all_match(city, register):
    both = register(subject="拖欠工资", content="工地拖欠农民工工资三个月")
    one = register(subject="工资问题", content="企业降薪")
    assert numbers(search(visible(city), "工资 工地")) == [both.number]
    assert set(numbers(search(visible(city), "工资"))) == {both.number, one.number}


def test_a_hit_in_the_subject_ranks_above_a_hit_in_the_content(city, register):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("ts_rank weights are PostgreSQL's; SQLite ranks subject hits by icontains")
    in_content = register(subject="小区问题", content="噪音扰民，夜间施工不停")
    in_subject = register(subject="夜间施工噪音扰民", content="请求处理")
    assert numbers(search(visible(city), "噪音扰民")) == [in_subject.number, in_content.number]


def test_place_and_unit_names_find_the_case(city, register):
    village = register(area=city.areas["east2v"], subject="道路破损", content="村道坑洼")
    other = register(subject="道路破损", content="街道坑洼")
    assert numbers(search(visible(city), "东二村")) == [village.number]
    moved = svc.transfer_case(other, actor=city.staff["east_registrar"], unit=city.units["east_housing"])
    # The search document follows the case to the unit now handling it.
    assert numbers(search(visible(city), "住房和城乡建设局")) == [moved.number]
    assert Case.objects.get(pk=moved.pk).current_unit_id == city.units["east_housing"].pk


def test_petitioner_is_found_by_exact_name_phone_or_id_number_through_the_blind_index(city, register):
    id_number = valid_id("19750505")
    mine = register(petitioners=[person("李四", id_number=id_number, phone="13912345678")])
    register(petitioners=[person("李四五", phone="13600000000")])
    for q in ("李四", "13912345678", id_number, id_number.lower(), "139 1234 5678"):
        assert numbers(search(visible(city), q)) == [mine.number], q
    # Partial identity is not a key: no fishing by fragments of a phone or ID number.
    assert numbers(search(visible(city), "1391234")) == []
    assert Petitioner.objects.filter(name_hash="").count() == 0


def test_case_number_matches_exactly_and_ranks_first(city, register):
    a = register(subject="其他")
    b = register(subject="提到" + "编号", content=f"参见{a.number}")
    assert numbers(search(visible(city), a.number))[0] == a.number
    assert b.number in numbers(search(visible(city), a.number))


def test_search_never_widens_what_the_staff_member_may_see(city, register):
    east = register(subject="物业纠纷", content="物业乱收费")
    west = register(actor=city.staff["west_registrar"], area=city.areas["west1v"], subject="物业纠纷", content="物业乱收费",
                    petitioners=[person("王五", phone="13800001111")])
    assert numbers(search(visible(city), "物业")) == [east.number]
    assert numbers(search(visible(city), "13800001111")) == []
    assert numbers(search(visible(city, "west_registrar"), "物业")) == [west.number]


def test_accused_unit_cannot_find_the_accusation(city, register):
    accusation = register(category="accusation", subject="检举东城住建违规审批", content="违规审批",
                          accused_unit=city.units["east_housing"])
    assert numbers(search(visible(city), "违规审批")) == [accusation.number]
    assert numbers(search(visible(city, "east_housing_leader"), "违规审批")) == []


def test_blank_or_symbol_only_query_changes_nothing(city, register):
    register()
    qs = visible(city)
    assert search(qs, "   ") is qs
    assert numbers(search(qs, "！？%_'")) == []


def test_staff_search_box_and_api_use_the_same_search(client, city, register):
    hit = register(subject="供暖不热", content="室温只有十二度", petitioners=[person("赵六", phone="13700002222")])
    register(subject="其他", content="无关")
    client.force_login(city.staff["east_registrar"].user)
    page = client.get("/cases/", {"q": "室温", "scope": "all"}).content.decode()
    assert hit.number in page
    assert "其他" not in page.split("inbox-results", 1)[-1] or hit.number in page
    api = client.get("/api/v1/cases", {"q": "13700002222"}).json()
    assert [i["number"] for i in api["items"]] == [hit.number]


def test_after_a_unit_is_renamed_search_reindex_finds_the_new_name(city, register):
    from django.core.management import call_command

    case = register(subject="其他", content="无关")
    unit = city.units["east_bureau"]
    unit.name = "东城区人民来访接待中心"
    unit.save(update_fields=["name"])
    assert numbers(search(visible(city), "接待中心")) == []
    call_command("search_reindex", stdout=__import__("io").StringIO())
    assert numbers(search(visible(city), "接待中心")) == [case.number]


def test_only_the_newest_text_matches_are_ranked_but_exact_hits_always_are(city, register, monkeypatch):
    from minxin.cases import search as search_module

    oldest = register(subject="屋顶漏水", content="漏水一年")
    middle = register(subject="楼道漏水", content="请求维修")
    newest = register(subject="漏水问题", content="楼上漏水")
    monkeypatch.setattr(search_module, "RANKED_MATCHES", 2)
    assert set(numbers(search(visible(city), "漏水"))) == {middle.number, newest.number}
    assert numbers(search(visible(city), oldest.number)) == [oldest.number]
