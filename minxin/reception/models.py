"""Leader reception days (领导接访/下访), the petitioners booked in, and the reception audit log.

A booking's name, ID number and phone are encrypted and blind-indexed exactly like
cases.Petitioner (core.crypto), with masked copies for lists.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from minxin.cases.models import Case
from minxin.core.personal import EncryptedPersonFields
from minxin.org.models import Area, Staff, Unit


class ReceptionKind(models.TextChoices):
    AT_OFFICE = "jiefang", _("领导接访")
    ON_SITE = "xiafang", _("领导下访")


class DayState(models.TextChoices):
    PLANNED = "planned", _("已安排")
    HELD = "held", _("已接待")
    CANCELLED = "cancelled", _("已取消")


class BookingState(models.TextChoices):
    BOOKED = "booked", _("已预约")
    ATTENDED = "attended", _("已接待")
    NO_SHOW = "no_show", _("未到场")


class ReceptionDay(models.Model):
    leader = models.ForeignKey(Staff, verbose_name=_("接访领导"), on_delete=models.PROTECT, related_name="reception_days")
    unit = models.ForeignKey(Unit, verbose_name=_("组织单位"), on_delete=models.PROTECT, related_name="reception_days")
    kind = models.CharField(_("形式"), max_length=10, choices=ReceptionKind.choices, default=ReceptionKind.AT_OFFICE)
    date = models.DateField(_("日期"))
    starts_at = models.TimeField(_("开始时间"))
    ends_at = models.TimeField(_("结束时间"))
    place = models.CharField(_("地点"), max_length=200)
    topics = models.TextField(_("接访主题"), blank=True)
    capacity = models.PositiveSmallIntegerField(_("可预约人数"), default=10)
    state = models.CharField(_("状态"), max_length=10, choices=DayState.choices, default=DayState.PLANNED)
    cancel_reason = models.CharField(_("取消原因"), max_length=200, blank=True)
    created_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("领导接访日")
        verbose_name_plural = _("领导接访日")
        ordering = ["-date", "starts_at"]
        indexes = [models.Index(fields=["unit", "date"], name="reception_day_unit_idx")]

    def __str__(self):
        return f"{self.date} {self.get_kind_display()} {self.leader.display_name}"


class ReceptionBooking(EncryptedPersonFields, models.Model):
    day = models.ForeignKey(ReceptionDay, verbose_name=_("接访日"), on_delete=models.PROTECT, related_name="bookings")
    name_enc = models.TextField(_("姓名（密文）"))
    id_number_enc = models.TextField(_("身份证号（密文）"), blank=True)
    phone_enc = models.TextField(_("电话（密文）"), blank=True)
    address_enc = models.TextField(_("住址（密文）"), blank=True)
    id_hash = models.CharField(max_length=64, blank=True, db_index=True)
    name_masked = models.CharField(_("姓名"), max_length=32)
    id_masked = models.CharField(_("身份证号"), max_length=18, blank=True)
    phone_masked = models.CharField(_("电话"), max_length=16, blank=True)
    topic = models.TextField(_("反映问题摘要"))
    area = models.ForeignKey(Area, verbose_name=_("问题属地"), on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, verbose_name=_("关联信访件"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("状态"), max_length=10, choices=BookingState.choices, default=BookingState.BOOKED)
    outcome = models.TextField(_("接待结果"), blank=True)
    resolved_on_spot = models.BooleanField(_("当场化解"), null=True, blank=True)
    booked_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    booked_at = models.DateTimeField()
    outcome_by = models.ForeignKey(Staff, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    outcome_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("接访预约")
        verbose_name_plural = _("接访预约")
        ordering = ["day_id", "pk"]
        constraints = [
            # No double booking of one ID number on one day; bookings without an ID are not constrained.
            models.UniqueConstraint(
                fields=["day", "id_hash"], condition=~models.Q(id_hash=""), name="reception_booking_once_per_day"
            )
        ]

    def __str__(self):
        return f"{self.name_masked} @ {self.day_id}"


class ReceptionEvent(models.Model):
    """Append-only audit of reception actions (schedule, cancel, book, outcome, turn into case).

    Personal data never goes into the payload: bookings are referred to by id.
    """

    at = models.DateTimeField()
    actor = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=32)
    day = models.ForeignKey(ReceptionDay, null=True, blank=True, on_delete=models.PROTECT, related_name="events")
    booking = models.ForeignKey(ReceptionBooking, null=True, blank=True, on_delete=models.PROTECT, related_name="events")
    payload = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("接访记录")
        verbose_name_plural = _("接访记录")
        ordering = ["pk"]
