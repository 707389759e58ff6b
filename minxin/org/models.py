"""Areas (市→区县→乡镇街道→村社区→网格), units and staff with roles."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AreaLevel(models.IntegerChoices):
    CITY = 1, _("市")
    COUNTY = 2, _("区县")
    TOWNSHIP = 3, _("乡镇街道")
    VILLAGE = 4, _("村社区")
    GRID = 5, _("网格")


class AreaQuerySet(models.QuerySet):
    def within(self, area: "Area", *, include_self: bool = True):
        """The area and everything below it: one indexed prefix query on `path`."""
        qs = self.filter(path__startswith=area.path)
        return qs if include_self else qs.exclude(pk=area.pk)


class Area(models.Model):
    # 12-digit statistical division code (GB/T 2260 + township and village digits);
    # grids extend their village's code with 3 more digits.
    code = models.CharField(_("区划代码"), max_length=15, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    level = models.PositiveSmallIntegerField(_("层级"), choices=AreaLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级区域"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # Materialised path of primary keys, e.g. "/1/7/93/". Kept by services.move_area.
    path = models.CharField(_("路径"), max_length=255, editable=False, db_index=False)
    depth = models.PositiveSmallIntegerField(editable=False, default=0)

    objects = AreaQuerySet.as_manager()

    class Meta:
        verbose_name = _("行政区域")
        verbose_name_plural = _("行政区域")
        ordering = ["code"]
        indexes = [
            # varchar_pattern_ops lets PostgreSQL serve LIKE 'prefix%' from the index
            # regardless of collation; other databases ignore opclasses.
            models.Index(fields=["path"], name="org_area_path_idx", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self):
        return self.name

    def ancestors(self):
        ids = [int(p) for p in self.path.strip("/").split("/") if p]
        return Area.objects.filter(pk__in=ids).order_by("depth")

    @property
    def full_name(self) -> str:
        return "".join(a.name for a in self.ancestors())


class UnitKind(models.TextChoices):
    PETITION_BUREAU = "petition", _("信访部门")
    GOVERNMENT = "government", _("党政机关/职能部门")
    POLITICAL_LEGAL = "political_legal", _("政法")
    DISCIPLINE = "discipline", _("纪检监察")
    TOWNSHIP = "township", _("乡镇街道")
    VILLAGE = "village", _("村社区")
    GRID = "grid", _("网格")


class Unit(models.Model):
    code = models.CharField(_("单位编码"), max_length=32, unique=True)
    name = models.CharField(_("单位名称"), max_length=128)
    short_name = models.CharField(_("简称"), max_length=32, blank=True)
    # The unit part of every 文号 it issues: {机关代字}{文书代字}〔{年}〕{序号}号 (minxin.documents.kinds).
    doc_code = models.CharField(
        _("机关代字"), max_length=16, blank=True,
        help_text=_("文号中的机关代字，如“东信”（东信受告〔2026〕1号）；为空时以简称或单位名称代替。年内修改会使文号前缀不一致，宜在年初设定"),
    )
    kind = models.CharField(_("单位类型"), max_length=20, choices=UnitKind.choices)
    area = models.ForeignKey(Area, verbose_name=_("所在区域"), on_delete=models.PROTECT, related_name="units")
    # The 上一级 body: receives 复查 of this unit's opinions (Art. 35) and settles disputes (Art. 24).
    parent = models.ForeignKey(
        "self", verbose_name=_("上级单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # Domains this unit is competent for (谁主管、谁负责), used for routing suggestions.
    domains = models.CharField(_("主管领域"), max_length=255, blank=True, help_text=_("多个领域以顿号分隔"))
    is_active = models.BooleanField(_("启用"), default=True)
    # Bodies above or beside this deployment (省、国家机关) are kept so that 复查/复核 and
    # transfers can name them, but they are not this city's units: never scored, ranked
    # or suggested for first handling.
    is_external = models.BooleanField(
        _("本系统外单位"), default=False,
        help_text=_("上级或外地机关（如省、国家有关部门），仅用于复查复核、转出等；不参加考评排名，不作为首次办理单位推荐"),
    )

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["area__code", "code"]
        indexes = [models.Index(fields=["area", "kind"])]

    def __str__(self):
        return self.name

    @property
    def document_code(self) -> str:
        """机关代字 used in 文号: the field, else the short name, else the full name."""
        return self.doc_code.strip() or self.short_name.strip() or self.name

    @property
    def is_petition_bureau(self) -> bool:
        return self.kind == UnitKind.PETITION_BUREAU


class Role(models.TextChoices):
    REGISTRAR = "registrar", _("登记员")
    HANDLER = "handler", _("办理人")
    REVIEWER = "reviewer", _("审核/领导")
    SUPERVISOR = "supervisor", _("督办员")
    ANALYST = "analyst", _("分析员")
    ADMIN = "admin", _("系统管理员")
    # Staff of a 网格 unit: reports disputes and risks from the grid and works them there (minxin.grid).
    GRID_WORKER = "grid_worker", _("网格员")


class Staff(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("账号"), on_delete=models.CASCADE, related_name="staff")
    unit = models.ForeignKey(Unit, verbose_name=_("所在单位"), on_delete=models.PROTECT, related_name="staff")
    title = models.CharField(_("职务"), max_length=64, blank=True)
    is_active = models.BooleanField(_("在岗"), default=True)

    class Meta:
        verbose_name = _("工作人员")
        verbose_name_plural = _("工作人员")

    def __str__(self):
        return f"{self.user.get_full_name() or self.user.username}（{self.unit}）"

    @property
    def display_name(self) -> str:
        return self.user.get_full_name() or self.user.username

    @property
    def role_codes(self) -> frozenset[str]:
        cached = getattr(self, "_role_codes", None)
        if cached is None:
            cached = frozenset(self.roles.values_list("role", flat=True))
            self._role_codes = cached
        return cached

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_codes.intersection(roles))


class StaffRole(models.Model):
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("角色")
        verbose_name_plural = _("角色")
        constraints = [models.UniqueConstraint(fields=["staff", "role"], name="org_staffrole_unique")]

    def __str__(self):
        return self.get_role_display()
