"""Portal 复查/复核 requests belong to the case, so petitioners of cases registered at the desk,
by letter or call can make them online too; the submission stays linked when there is one."""

import django.db.models.deletion
from django.db import migrations, models


def fill_case(apps, schema_editor):
    AppealRequest = apps.get_model("portal", "AppealRequest")
    for ap in AppealRequest.objects.select_related("submission").filter(case__isnull=True):
        AppealRequest.objects.filter(pk=ap.pk).update(case_id=ap.submission.case_id)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0004_caseattachment"),
        ("portal", "0002_seed_real_name_rules"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="appealrequest", name="portal_one_pending_appeal"),
        migrations.AddField(
            model_name="appealrequest",
            name="case",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name="portal_appeals",
                                    to="cases.case", verbose_name="信访事项"),
        ),
        migrations.RunPython(fill_case, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="appealrequest",
            name="case",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="portal_appeals",
                                    to="cases.case", verbose_name="信访事项"),
        ),
        migrations.AlterField(
            model_name="appealrequest",
            name="submission",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="appeals",
                                    to="portal.submission"),
        ),
        migrations.AddConstraint(
            model_name="appealrequest",
            constraint=models.UniqueConstraint(condition=models.Q(("state", "pending")), fields=("case", "kind"),
                                               name="portal_one_pending_appeal"),
        ),
    ]
