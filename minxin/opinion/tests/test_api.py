"""POST /api/v1/opinion and /batch, GET list and detail: scope, policy, validation, dedup."""

import pytest

from minxin.opinion.models import OpinionEvent, OpinionItem

from .conftest import item

pytestmark = pytest.mark.django_db

CREATE = ["opinion:create"]
READ = ["opinion:read"]


def test_a_monitoring_token_sends_an_item_and_a_resend_is_not_stored_twice(api, clock):
    r = api("east_registrar", CREATE, "POST", "/opinion", item())
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["duplicate"] is False and body["heat"] == 320
    assert body["area_code"] == "320902001001"  # 东一社区, named in the text
    assert body["area_inferred"] is True
    again = api("east_registrar", CREATE, "POST", "/opinion", item())
    assert again.status_code == 200 and again.json()["duplicate"] is True and again.json()["id"] == body["id"]
    assert OpinionItem.objects.count() == 1
    assert OpinionEvent.objects.filter(action="duplicate_ignored").count() == 1


def test_a_resend_with_more_heat_raises_the_heat_only(api, clock):
    first = api("east_registrar", CREATE, "POST", "/opinion", item()).json()
    api("east_registrar", CREATE, "POST", "/opinion", item(heat=5000, text="正文稍有改动但链接相同"))
    row = OpinionItem.objects.get(pk=first["id"])
    assert row.heat == 5000 and "电梯" in row.text
    assert OpinionEvent.objects.filter(action="heat_updated", item=row).exists()


def test_without_a_link_the_same_source_and_text_is_the_same_item(api, clock):
    api("east_registrar", CREATE, "POST", "/opinion", item(link=""))
    r = api("east_registrar", CREATE, "POST", "/opinion", item(link="", text=" 网友发帖称东一社区某小区电梯停运半月无人维修，老人上下楼困难。 "))
    assert r.json()["duplicate"] is True
    r = api("east_registrar", CREATE, "POST", "/opinion", item(link="", source="另一监测平台"))
    assert r.status_code == 201


def test_a_token_without_the_opinion_scope_is_refused_by_name(api, clock):
    r = api("east_registrar", ["cases:read", "cases:create"], "POST", "/opinion", item())
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "scope_missing" and "opinion:create" in r.json()["error"]["message"]
    r = api("city_analyst", CREATE, "GET", "/opinion")
    assert r.status_code == 403 and "opinion:read" in r.json()["error"]["message"]
    assert OpinionItem.objects.count() == 0


def test_a_functional_department_account_may_not_send_even_with_the_scope(api, clock):
    r = api("east_housing_leader", CREATE, "POST", "/opinion", item())
    assert r.status_code == 403 and "信访部门" in r.json()["error"]["message"]
    assert OpinionItem.objects.count() == 0


def test_every_invalid_field_is_named_in_chinese_and_nothing_is_written(api, clock):
    r = api("east_registrar", CREATE, "POST", "/opinion", {
        "source": "", "published_at": "2099-01-01 08:00", "text": "", "link": "ftp://files.example.cn/a", "heat": -3,
        "area_code": "999999999999", "domain": "天文"})
    assert r.status_code == 422
    fields = r.json()["error"]["fields"]
    assert fields["source"] == ["来源不能为空（监测服务名称或平台）"]
    assert fields["published_at"] == ["发布时间不能晚于当前时间"]
    assert fields["text"] == ["内容不能为空"]
    assert fields["link"] == ["链接应为以http://或https://开头的网址"]
    assert fields["heat"] == ["热度应为不小于0的整数"]
    assert fields["area_code"] == ["区划代码999999999999不存在"]
    assert fields["domain"] == ["领域“天文”不存在"]
    assert r.json()["error"]["message"].startswith("舆情信息有误，未接收")
    assert OpinionItem.objects.count() == 0 and OpinionEvent.objects.count() == 0


def test_an_area_outside_the_bureau_is_refused(api, city, clock):
    r = api("east_registrar", CREATE, "POST", "/opinion", item(area_code=city.areas["west1v"].code))
    assert r.status_code == 422 and "不在东城区信访局的管辖范围内" in r.json()["error"]["fields"]["area_code"][0]


def test_a_batch_is_all_or_nothing_and_names_the_bad_item(api, clock):
    good = item()
    bad = item(link="not a url", published_at="昨天")
    r = api("east_registrar", CREATE, "POST", "/opinion/batch", {"items": [good, bad]})
    assert r.status_code == 422
    fields = r.json()["error"]["fields"]
    assert set(fields) == {"items.1.link", "items.1.published_at"}
    assert "第2条" in r.json()["error"]["message"]
    assert OpinionItem.objects.count() == 0


def test_a_batch_counts_new_items_and_duplicates_within_it(api, clock):
    r = api("east_registrar", CREATE, "POST", "/opinion/batch", {"items": [
        item(), item(), item(link="https://weibo.example.cn/post/10002", text="东二村村民反映垃圾中转站异味扰民", heat=None)]})
    assert r.status_code == 200, r.content
    assert r.json()["created"] == 2 and r.json()["duplicates"] == 1
    assert [i["duplicate"] for i in r.json()["items"]] == [False, True, False]
    assert OpinionItem.objects.count() == 2


def test_readers_see_their_area_only(api, city, clock):
    api("city_registrar", CREATE, "POST", "/opinion/batch", {"items": [
        item(area_code=city.areas["east1v"].code), item(link="https://x.example.cn/2", area_code=city.areas["west1v"].code)]})
    east, west = OpinionItem.objects.order_by("pk")
    listed = api("east_leader", READ, "GET", "/opinion").json()
    assert [i["id"] for i in listed] == [east.pk]
    assert api("east_leader", READ, "GET", f"/opinion/{west.pk}").status_code == 404
    detail = api("city_analyst", READ, "GET", f"/opinion/{west.pk}")
    assert detail.status_code == 200 and detail.json()["area_name"] == "西一社区" and "matches" in detail.json()
    assert api("east_registrar", READ, "GET", "/opinion").status_code == 403  # registrars send, analysts read


def test_id_and_phone_numbers_are_blanked_and_nul_characters_dropped(api, clock):
    r = api("east_registrar", CREATE, "POST", "/opinion", item(text="东一社区业主\x00联系电话13812345678，身份证110101198001010011"))
    assert r.status_code == 201
    text = OpinionItem.objects.get().text
    assert "\x00" not in text and "13812345678" not in text and "110101198001010011" not in text
    assert text.count("［号码已隐去］") == 2
