"""Tokens belong to a unit, carry scopes and always expire.

Existing tokens keep working: each is attached to its account's unit and given every scope
(they could reach every operation the account could), and a token that never expired now
expires MINXIN_API_TOKEN_DEFAULT_DAYS after this migration (one longer than the maximum is
cut to the maximum from now), so integrations have time to be given a scoped token.
"""

import datetime as dt

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

SCOPES = ["cases:read", "cases:create", "cases:update", "webhooks", "other"]


def backfill(apps, schema_editor):
    ApiToken = apps.get_model("api", "ApiToken")
    now = timezone.now()
    default = now + dt.timedelta(days=getattr(settings, "MINXIN_API_TOKEN_DEFAULT_DAYS", 90))
    ceiling = now + dt.timedelta(days=getattr(settings, "MINXIN_API_TOKEN_MAX_DAYS", 365))
    for token in ApiToken.objects.select_related("staff"):
        token.unit_id = token.staff.unit_id
        token.scopes = list(SCOPES)
        if token.expires_at is None:
            token.expires_at = default
        elif token.expires_at > ceiling:
            token.expires_at = ceiling
        token.save(update_fields=["unit", "scopes", "expires_at"])


class Migration(migrations.Migration):

    dependencies = [
        ("api", "0001_initial"),
        ("org", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken", name="unit",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name="api_tokens",
                                    to="org.unit", verbose_name="所属单位"),
        ),
        migrations.AddField(model_name="apitoken", name="scopes", field=models.JSONField(default=list, verbose_name="权限范围")),
        migrations.AddField(
            model_name="apitoken", name="rate_per_minute",
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name="每分钟请求上限"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken", name="unit",
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="api_tokens", to="org.unit",
                                    verbose_name="所属单位"),
        ),
        migrations.AlterField(model_name="apitoken", name="expires_at", field=models.DateTimeField(verbose_name="到期时间")),
        migrations.AlterField(
            model_name="apitoken", name="staff",
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="api_tokens", to="org.staff",
                                    verbose_name="代表账号"),
        ),
    ]
