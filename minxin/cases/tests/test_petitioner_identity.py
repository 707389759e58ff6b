"""A known ID number with new contact details updates the 信访人 (old details kept, encrypted) and
notices go to the newest phone."""

import pytest

from minxin.cases.models import Petitioner, PetitionerContactHistory
from minxin.cases.services import register_case, transfer_case
from minxin.core import crypto
from minxin.notify.models import Delivery

pytestmark = pytest.mark.django_db

ID = "11010519491231002X"
OLD_PHONE, NEW_PHONE = "13912345678", "13800001111"


def _register(city, **person):
    return register_case(
        actor=city.staff["east_registrar"], channel="visit", category="suggestion", subject="增设公交站",
        content="建议在东一社区增设公交站", request="增设公交站", facts="附近无公交站", reasons="出行不便",
        area=city.areas["east1v"], petitioners=[person],
    )


def _phones_notified(case) -> list[str]:
    return [crypto.decrypt(d.recipient_enc) for d in Delivery.objects.filter(case=case).order_by("pk")]


def test_known_id_number_with_new_contact_details_updates_the_petitioner_and_keeps_the_old_ones(city, clock):
    first = _register(city, name="张三", id_number=ID, phone=OLD_PHONE, address="东一社区3号楼")
    second = _register(city, name="张叁", id_number=ID, phone=NEW_PHONE, address="西一社区9号楼")
    [petitioner] = Petitioner.objects.all()
    assert first.parties.get().petitioner == second.parties.get().petitioner == petitioner
    assert (petitioner.name, petitioner.phone, petitioner.address) == ("张叁", NEW_PHONE, "西一社区9号楼")
    assert petitioner.phone_masked == "138****1111" and petitioner.phone_hash == crypto.blind_index("phone", NEW_PHONE)
    [old] = PetitionerContactHistory.objects.all()
    assert (old.name, old.phone, old.address) == ("张三", OLD_PHONE, "东一社区3号楼")
    assert old.case == second and old.replaced_by == city.staff["east_registrar"]
    raw = PetitionerContactHistory.objects.values("name_enc", "phone_enc", "address_enc").get()
    assert not any(v in str(raw) for v in ("张三", OLD_PHONE, "东一社区"))  # encrypted at rest


def test_notices_go_to_the_newest_phone_for_the_new_case_and_the_earlier_one(city, clock):
    first = _register(city, name="张三", id_number=ID, phone=OLD_PHONE, address="东一社区3号楼")
    second = _register(city, name="张三", id_number=ID, phone=NEW_PHONE, address="东一社区3号楼")
    assert _phones_notified(first) == [OLD_PHONE]
    assert _phones_notified(second) == [NEW_PHONE]
    transfer_case(first, actor=city.staff["east_registrar"], unit=city.units["east_housing"])
    assert _phones_notified(first) == [OLD_PHONE, NEW_PHONE]


def test_a_blank_phone_keeps_the_one_on_file_and_unchanged_details_write_no_history(city, clock):
    _register(city, name="张三", id_number=ID, phone=OLD_PHONE, address="东一社区3号楼")
    _register(city, name="张三", id_number=ID, address="东一社区3号楼")
    assert Petitioner.objects.get().phone == OLD_PHONE
    assert not PetitionerContactHistory.objects.exists()


def test_same_name_and_phone_without_id_updates_the_address(city, clock):
    _register(city, name="王五", phone=OLD_PHONE, address="东一社区3号楼")
    _register(city, name="王五", phone=OLD_PHONE, address="东二社区5号楼")
    assert Petitioner.objects.get().address == "东二社区5号楼"
    assert PetitionerContactHistory.objects.get().address == "东一社区3号楼"
