import pytest
import time_machine

from minxin.cases.models import Case, Domain
from minxin.intake.routing import suggest_units
from minxin.org.policies import SYSTEM

from .dupdata import START, register


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(START, tick=False):
        yield


def codes(result):
    return [u["code"] for u in result["units"]]


def test_lowest_level_competent_unit_comes_first(city):
    result = suggest_units(area=city.areas["east1v"], domain=Domain.objects.get(name="房地产"), category="complaint", staff=SYSTEM)
    assert codes(result)[:2] == ["G-EAST-HOUSING", "G-CITY-HOUSING"]
    top = result["units"][0]
    assert top["confidence"] > result["units"][1]["confidence"]
    assert any("谁主管、谁负责" in r for r in top["reasons"])


def test_city_level_unit_when_the_district_has_none(city):
    result = suggest_units(area=city.areas["west1v"], domain=Domain.objects.get(name="房地产"), staff=SYSTEM)
    assert codes(result) == ["G-CITY-HOUSING"]


def test_history_of_accepted_cases_lifts_a_unit(city):
    labour = Domain.objects.get(name="劳动关系")
    for _ in range(3):
        case = register(city, content="东一街道某厂欠薪", domain=labour)
        Case.objects.filter(pk=case.pk).update(current_unit=city.units["east1_office"], accepted_at=START)
    result = suggest_units(area=city.areas["east1v"], domain=labour, staff=city.staff["east_registrar"])
    assert "T-EAST1" in codes(result)
    office = next(u for u in result["units"] if u["code"] == "T-EAST1")
    assert any("3 件" in r for r in office["reasons"])


def test_accused_unit_is_never_suggested(city):
    result = suggest_units(
        area=city.areas["east1v"], domain=Domain.objects.get(name="房地产"), category="accusation",
        accused_unit=city.units["east_housing"], staff=SYSTEM,
    )
    assert "G-EAST-HOUSING" not in codes(result)
    assert result["notes"]
    discipline = next(f for f in result["flags"] if f["kind"] == "discipline")
    assert discipline["unit"]["code"] == "D-EAST"


def test_litigation_matter_is_flagged_for_the_political_legal_unit(city):
    result = suggest_units(area=city.areas["east1v"], domain=None, is_litigation=True, staff=city.staff["east_registrar"])
    flag = next(f for f in result["flags"] if f["kind"] == "political_legal")
    assert flag["unit"]["code"] == "L-EAST"
    assert "第二十二条第二款" in flag["reasons"][0]


def test_without_domain_or_history_the_local_township_is_suggested(city):
    result = suggest_units(area=city.areas["east1v"], domain=None, staff=SYSTEM)
    assert codes(result) == ["T-EAST1"]
    assert "属地管理" in result["units"][0]["reasons"][0]


def test_units_outside_the_deployment_are_never_suggested_or_offered_for_first_handling(city):
    from minxin.org import services as org
    from minxin.org.models import UnitKind
    from minxin.web.cases.forms import TransferForm

    province = org.create_unit(code="P-HOUSING", name="某省住房和城乡建设厅", kind=UnitKind.GOVERNMENT,
                               area=city.units["city_housing"].area, domains="房地产", is_external=True)
    result = suggest_units(area=city.areas["east1v"], domain=Domain.objects.get(name="房地产"), category="complaint", staff=SYSTEM)
    assert "G-CITY-HOUSING" in codes(result) and province.code not in codes(result)
    offered = TransferForm(staff=city.staff["city_registrar"]).fields["unit"].queryset
    assert offered.filter(code="G-CITY-HOUSING").exists() and not offered.filter(pk=province.pk).exists()
    # Still a unit of the system: 复查/复核 and the admin can name it.
    org.update_unit(province, code=province.code, name=province.name, kind=province.kind, area=province.area, parent=None,
                    domains=province.domains)
    province.refresh_from_db()
    assert province.is_external
