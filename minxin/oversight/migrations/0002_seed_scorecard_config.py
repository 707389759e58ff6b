"""The default scorecard configuration row (weights and penalties; editable in the admin)."""

from django.db import migrations


def seed(apps, schema_editor):
    ScorecardConfig = apps.get_model("oversight", "ScorecardConfig")
    if not ScorecardConfig.objects.exists():
        ScorecardConfig.objects.create(name="默认")


def unseed(apps, schema_editor):
    apps.get_model("oversight", "ScorecardConfig").objects.filter(name="默认").delete()


class Migration(migrations.Migration):
    dependencies = [("oversight", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
