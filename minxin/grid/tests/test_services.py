"""Grid reports through the services: ledger line, photo, visits, 化解 at the grid, case registration."""

import pytest

from minxin.cases.models import Case
from minxin.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from minxin.grid import services
from minxin.grid.models import CaseRequest, GridReport, GridVisit
from minxin.grid.tests.conftest import PNG, png, text_file
from minxin.risk.models import DisputeEntry, DisputeSource, DisputeStatus, RiskEvent

pytestmark = pytest.mark.django_db


def test_a_grid_report_becomes_a_grid_ledger_line_owned_by_the_grid_with_its_photo_and_audit(city, report_as):
    rep = report_as(photo=png(), place="3组17号门前")
    entry = rep.entry
    assert entry.source == DisputeSource.GRID and entry.responsible_unit == city.units["grid1_unit"]
    assert entry.responsible_staff == city.staff["grid1_worker"] and entry.status == DisputeStatus.HANDLING
    assert entry.area == city.areas["grid1"] and entry.people_count == 2 and entry.parties == "3组两户村民"
    with rep.photo.open("rb") as fh:
        assert fh.read() == PNG
    assert rep.photo_type == "image/png" and "现场" not in rep.photo.name  # the phone's file name is not kept
    assert list(RiskEvent.objects.filter(entry=entry).values_list("action", flat=True)) == ["entry_created", "grid_reported"]


@pytest.mark.parametrize("change, field", [
    ({"photo": text_file()}, "photo"),
    ({"parties": "张三 320902198001010011"}, "parties"),
    ({"description": ""}, "description"),
    ({"people_count": 0}, "people_count"),
    ({"place": "联系 13912345678"}, "place"),
])
def test_bad_report_input_is_refused_with_the_field_named_and_nothing_written(report_as, change, field):
    with pytest.raises(ValidationFailed) as exc:
        report_as(**change)
    assert field in exc.value.fields
    assert not DisputeEntry.objects.exists() and not GridReport.objects.exists() and not RiskEvent.objects.exists()


def test_a_grid_worker_reports_only_from_their_own_grid(report_as):
    with pytest.raises(PermissionDenied):
        report_as(area="east1v")


def test_only_grid_workers_report(report_as):
    with pytest.raises(PermissionDenied):
        report_as(who="east1_handler")
    assert not DisputeEntry.objects.exists()


def test_visits_and_steps_then_resolved_at_the_grid(city, report_as):
    rep = report_as()
    worker = city.staff["grid1_worker"]
    with pytest.raises(InvalidTransition):
        services.resolve_at_grid(rep, actor=worker)  # nothing done yet
    services.record_visit(rep, actor=worker, description="入户走访两户，了解边界争议经过")
    services.record_visit(rep, actor=worker, kind="step", description="请村调委会现场丈量，双方认可界址")
    rep = services.resolve_at_grid(rep, actor=worker, note="双方签订调解协议")
    assert rep.resolved_at is not None and rep.entry.status == DisputeStatus.RESOLVED
    assert sorted(GridVisit.objects.values_list("kind", flat=True)) == ["step", "visit"]
    with pytest.raises(InvalidTransition):
        services.record_visit(rep, actor=worker, description="再次走访")
    actions = list(RiskEvent.objects.filter(entry=rep.entry).values_list("action", flat=True))
    assert actions.count("grid_visit") == 2 and "grid_resolved" in actions


def test_only_the_grids_own_worker_works_an_item(city, report_as):
    rep = report_as()
    for who in ("east1_handler", "east_leader"):
        with pytest.raises(PermissionDenied):
            services.record_visit(rep, actor=city.staff[who], description="走访")
        with pytest.raises(PermissionDenied):
            services.resolve_at_grid(rep, actor=city.staff[who])


def test_a_report_asking_for_a_case_waits_for_the_bureau_and_is_registered_there(city, report_as):
    rep = report_as(wants_case=True)
    assert rep.case_request == CaseRequest.PENDING and rep.entry.status == DisputeStatus.ESCALATED
    with pytest.raises(InvalidTransition):
        services.resolve_at_grid(rep, actor=city.staff["grid1_worker"])
    with pytest.raises(PermissionDenied):
        services.register_as_case(rep, actor=city.staff["west_registrar"], petitioner_name="王五", petitioner_address="东一社区3组")
    with pytest.raises(ValidationFailed):
        services.register_as_case(rep, actor=city.staff["east_registrar"], petitioner_name="", petitioner_address="")
    assert not Case.objects.exists()
    rep = services.register_as_case(rep, actor=city.staff["east_registrar"], petitioner_name="王五", petitioner_address="东一社区3组")
    case = rep.case
    assert rep.case_request == CaseRequest.REGISTERED and case.area == city.areas["grid1"]
    assert case.registering_unit == city.units["east_bureau"] and case.domain == rep.entry.domain and case.people_count == 2
    assert RiskEvent.objects.filter(entry=rep.entry, action="grid_case_registered", payload__number=case.number).exists()
    with pytest.raises(InvalidTransition):
        services.register_as_case(rep, actor=city.staff["east_registrar"], petitioner_name="王五", petitioner_address="东一社区3组")


def test_who_sees_grid_reports(city, report_as):
    rep = report_as()
    seen = {who for who in city.staff if services.reports_for(city.staff[who]).filter(pk=rep.pk).exists()}
    assert seen == {"grid1_worker", "east1_handler", "east_registrar", "east_leader",
                    "city_registrar", "city_leader", "city_supervisor", "city_analyst", "city_admin"}
