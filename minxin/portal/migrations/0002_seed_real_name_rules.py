from django.db import migrations

# 申诉求决 and 建议意见: name, ID number and a phone verified by SMS; 检举控告 may be anonymous.
DEFAULTS = [
    ("suggestion", True, True, True, False),
    ("complaint", True, True, True, False),
    ("accusation", False, False, False, True),
]


def seed(apps, schema_editor):
    RealNameRule = apps.get_model("portal", "RealNameRule")
    for category, name, id_number, phone, anonymous in DEFAULTS:
        RealNameRule.objects.get_or_create(
            category=category,
            defaults={"require_name": name, "require_id_number": id_number, "require_verified_phone": phone, "allow_anonymous": anonymous},
        )


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
