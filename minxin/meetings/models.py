"""信访工作联席会议: meetings, their agenda, decisions and the tasks they assign to units.

A city or 区县 信访部门 convenes a joint meeting on a matter several units share or dispute
(信访工作条例 第二十四条 sends disputes about who handles a case there). Its decisions assign
tasks to units with deadlines; the assigned unit reports a task done and the convener accepts it.
Every change is appended to MeetingEvent; a case on the agenda also shows the meeting on its
own timeline (minxin.cases.events).
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from minxin.org.models import Staff, Unit


class Meeting(models.Model):
    convener = models.ForeignKey(Unit, verbose_name=_("召集单位"), on_delete=models.PROTECT, related_name="meetings_convened")
    held_on = models.DateField(_("会议日期"))
    topic = models.CharField(_("议题"), max_length=200)
    place = models.CharField(_("地点"), max_length=100, blank=True)
    members = models.ManyToManyField(Unit, verbose_name=_("成员单位"), related_name="meetings", blank=True)
    minutes = models.TextField(_("会议纪要"), blank=True)
    minutes_at = models.DateTimeField(_("纪要记录时间"), null=True, blank=True)
    # 会议闭环: set by the convener once every task is accepted; a closed meeting takes no more changes.
    closed_at = models.DateTimeField(_("闭环时间"), null=True, blank=True)
    closed_by = models.ForeignKey(Staff, verbose_name=_("闭环人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("联席会议")
        verbose_name_plural = _("联席会议")
        ordering = ["-held_on", "-pk"]

    def __str__(self):
        return f"{self.held_on:%Y-%m-%d} {self.topic}"

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    @property
    def status_label(self) -> str:
        return str(_("已闭环") if self.is_closed else _("进行中"))


class AgendaItem(models.Model):
    """One matter on the agenda: a case or a ledger entry (矛盾纠纷)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    case = models.ForeignKey("cases.Case", verbose_name=_("信访事项"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    entry = models.ForeignKey("risk.DisputeEntry", verbose_name=_("矛盾纠纷"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("提请说明"), blank=True)
    added_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField()

    class Meta:
        verbose_name = _("议程事项")
        verbose_name_plural = _("议程事项")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(case__isnull=False, entry__isnull=True) | Q(case__isnull=True, entry__isnull=False),
                                   name="meetings_agenda_case_xor_entry"),
            models.UniqueConstraint(fields=["meeting", "case"], condition=Q(case__isnull=False), name="meetings_agenda_case_once"),
            models.UniqueConstraint(fields=["meeting", "entry"], condition=Q(entry__isnull=False), name="meetings_agenda_entry_once"),
        ]

    @property
    def label(self) -> str:
        if self.case_id:
            return f"{self.case.number} {self.case.subject}"
        return f"{_('矛盾纠纷')}#{self.entry_id} {self.entry.summary[:40]}"


class Decision(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    item = models.ForeignKey(AgendaItem, verbose_name=_("议程事项"), null=True, blank=True, on_delete=models.PROTECT, related_name="decisions")
    text = models.TextField(_("议定事项"))
    # Art. 24: a decision on a case whose handling unit is disputed names the competent unit. When the
    # convener is the dispute's arbiter the decision settles it (cases.services.settle_dispute);
    # otherwise it is a recommendation to the arbiter (`settles` False).
    competent_unit = models.ForeignKey(Unit, verbose_name=_("确定的受理机关"), null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="+")
    settles = models.BooleanField(_("已据此确定受理机关"), default=False)
    recorded_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("会议决定")
        verbose_name_plural = _("会议决定")
        ordering = ["pk"]


class TaskState(models.TextChoices):
    ASSIGNED = "assigned", _("办理中")
    REPORTED = "reported", _("已报办结")
    ACCEPTED = "accepted", _("已验收")


class Task(models.Model):
    """A task a decision gives to one unit, with a deadline (工作日 counted by the rules calendar)."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="tasks")
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="tasks")
    unit = models.ForeignKey(Unit, verbose_name=_("责任单位"), on_delete=models.PROTECT, related_name="meeting_tasks")
    # The case the decision is about, if any: its timeline shows the task, and a late task can be 督办ed on it.
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    description = models.TextField(_("任务内容"))
    started_on = models.DateField(_("交办日期"))
    due_on = models.DateField(_("办结期限"))
    state = models.CharField(_("状态"), max_length=10, choices=TaskState.choices, default=TaskState.ASSIGNED)
    result = models.TextField(_("办理结果"), blank=True)
    reported_at = models.DateTimeField(_("报结时间"), null=True, blank=True)
    reported_by = models.ForeignKey(Staff, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    accepted_at = models.DateTimeField(_("验收时间"), null=True, blank=True)
    accepted_by = models.ForeignKey(Staff, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # The due day the overdue sweep last flagged: a rerun finds it set and writes nothing more.
    overdue_flagged_due = models.DateField(null=True, blank=True)
    supervision = models.ForeignKey("oversight.Supervision", verbose_name=_("督办单"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    assigned_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField()

    class Meta:
        verbose_name = _("会议任务")
        verbose_name_plural = _("会议任务")
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["state", "due_on"], name="meetings_task_due_idx")]


class MeetingEvent(models.Model):
    """Audit of every change in this app (who, when, what)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="events")
    task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    actor = models.ForeignKey(Staff, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=32)
    payload = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("联席会议操作记录")
        verbose_name_plural = _("联席会议操作记录")
        ordering = ["at", "pk"]
