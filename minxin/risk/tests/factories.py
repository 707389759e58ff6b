"""Generated data for risk tests: cases in bulk, petitioners, ledger entries."""

import datetime as dt
import itertools
import secrets

from minxin.cases.models import Case, CaseParty, Domain, Petitioner
from minxin.core import crypto

TZ = dt.timezone(dt.timedelta(hours=8))
_serial = itertools.count(1)


def domain(name: str = "房地产") -> Domain:
    return Domain.objects.get(name=name)


def bulk_cases(city, *, area: str, per_day: dict, domain_name: str = "房地产", unit: str = "east_bureau",
               subject: str = "物业收费", content: str = "小区物业费上涨", category: str = "complaint") -> list[Case]:
    """per_day: {date: n} → n cases received at 10:00 that day."""
    d = domain(domain_name)
    rows = []
    for day, n in per_day.items():
        at = dt.datetime.combine(day, dt.time(10), tzinfo=TZ)
        for _ in range(n):
            rows.append(Case(
                number=f"R{next(_serial):07d}", query_code=secrets.token_hex(6), channel="visit", category=category,
                domain=d, subject=subject, content=content, area=city.areas[area], received_at=at, registered_at=at,
                registering_unit=city.units[unit], current_unit=None,
            ))
    return Case.objects.bulk_create(rows)


def petitioner(id_number: str = "320902198001010011", name: str = "张三") -> Petitioner:
    return Petitioner.objects.create(
        name_enc=crypto.encrypt(name), id_number_enc=crypto.encrypt(id_number), name_masked=name[0] + "*",
        id_hash=crypto.blind_index("id", id_number),
    )


def link(case: Case, p: Petitioner) -> None:
    CaseParty.objects.create(case=case, petitioner=p)
