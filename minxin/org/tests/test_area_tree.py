import pytest

from minxin.core.errors import NotFound, ValidationFailed
from minxin.org import services
from minxin.org.models import Area, AreaLevel


def test_within_returns_area_and_all_descendants(city):
    names = set(Area.objects.within(city.areas["east"]).values_list("name", flat=True))
    assert names == {"东城区", "东一街道", "东二镇", "东一社区", "东二村", "东一社区第1网格"}


def test_within_excludes_sibling_county(city):
    assert not Area.objects.within(city.areas["east"]).filter(pk=city.areas["west1"].pk).exists()


def test_path_encodes_ancestors(city):
    grid = city.areas["grid1"]
    assert [a.name for a in grid.ancestors()] == ["示范市", "东城区", "东一街道", "东一社区", "东一社区第1网格"]
    assert grid.depth == 4
    assert grid.full_name == "示范市东城区东一街道东一社区东一社区第1网格"


def test_moving_a_township_moves_its_whole_subtree(city):
    services.move_area(city.areas["east1"], new_parent=city.areas["west"])
    moved = Area.objects.within(city.areas["west"]).values_list("name", flat=True)
    assert {"东一街道", "东一社区", "东一社区第1网格"} <= set(moved)
    assert not Area.objects.within(city.areas["east"]).filter(name="东一社区第1网格").exists()
    grid = Area.objects.get(pk=city.areas["grid1"].pk)
    assert [a.name for a in grid.ancestors()][:3] == ["示范市", "西城区", "东一街道"]
    assert grid.depth == 4


def test_moving_an_area_under_its_own_descendant_is_refused_as_a_cycle(city):
    before = list(Area.objects.values_list("pk", "path", "parent_id").order_by("pk"))
    with pytest.raises(ValidationFailed, match="环"):
        services.move_area(city.areas["east1"], new_parent=city.areas["east1v"])
    assert list(Area.objects.values_list("pk", "path", "parent_id").order_by("pk")) == before


def test_moving_an_area_under_itself_is_refused(city):
    with pytest.raises(ValidationFailed, match="环"):
        services.move_area(city.areas["east"], new_parent=city.areas["east"])


def test_moving_to_a_parent_of_the_wrong_level_is_refused(city):
    with pytest.raises(ValidationFailed, match="层级|只能移到"):
        services.move_area(city.areas["east1v"], new_parent=city.areas["east"])


@pytest.mark.parametrize("code", ["12345", "32090200100A", "", "3209020010011"])
def test_malformed_area_code_is_refused_in_chinese_and_nothing_written(city, code):
    count = Area.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        services.create_area(code=code, name="新区", level=AreaLevel.TOWNSHIP, parent=city.areas["east"])
    assert "区划代码" in exc.value.message and exc.value.fields["code"]
    assert Area.objects.count() == count


def test_unknown_area_code_is_refused_with_a_clear_message(city):
    with pytest.raises(NotFound, match="未知的区划代码：999999999999"):
        services.get_area("999999999999")


def test_unit_at_unknown_area_code_is_refused_and_nothing_written(city):
    from minxin.org.models import Unit

    count = Unit.objects.count()
    with pytest.raises(NotFound, match="未知的区划代码"):
        services.create_unit(code="X1", name="无名单位", kind="government", area="111111111111")
    assert Unit.objects.count() == count


def test_duplicate_area_code_is_refused(city):
    with pytest.raises(ValidationFailed, match="已存在"):
        services.create_area(code="320902001000", name="重复", level=AreaLevel.TOWNSHIP, parent=city.areas["east"])


def test_area_level_must_follow_its_parent(city):
    with pytest.raises(ValidationFailed, match="上级应为"):
        services.create_area(code="320902999000", name="错层", level=AreaLevel.VILLAGE, parent=city.areas["east"])
