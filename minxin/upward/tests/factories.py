"""Reporting lines of the small test city: 国家信访局 above the city bureau, 党委和政府 offices."""

from minxin.org import services as org
from minxin.org.models import Unit, UnitKind
from minxin.upward.models import ReceivingOffice

CONTENTS = {
    "occurred_at": "2026-04-08 08:30", "location": "东城区东一社区锦绣花园小区门口", "people_count": 60,
    "demands": "要求开发商按期交房并赔偿违约金", "development": "业主在小区门口聚集，情绪较激动，暂未堵路",
    "measures": "街道、住建局已派员到场劝导，公安维持秩序", "suggestions": "建议区政府召集住建、街道与开发商协商交房方案",
    "contact_name": "东城局领导", "contact_phone": "0523-86001234",
}


def reporting_lines(city) -> dict[str, Unit]:
    nation = org.create_unit(code="X-NATION-B", name="国家信访局", kind=UnitKind.PETITION_BUREAU, area=city.areas["city"], is_external=True)
    Unit.objects.filter(pk=city.units["city_bureau"].pk).update(parent=nation)
    city.units["city_bureau"].refresh_from_db()
    offices = {}
    for key, name in (("city", "示范市委市政府总值班室"), ("east", "东城区委区政府总值班室"), ("west", "西城区委区政府总值班室")):
        unit = org.create_unit(code=f"X-{key.upper()}-ZBS", name=name, kind=UnitKind.GOVERNMENT, area=city.areas[key], is_external=True)
        ReceivingOffice.objects.create(area=city.areas[key], unit=unit)
        offices[key] = unit
    return {"nation": nation, **offices}
