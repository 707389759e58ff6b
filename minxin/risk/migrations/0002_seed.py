import datetime as dt

from django.db import migrations

# Recurring periods repeat by month and day; 春节 follows the lunar calendar, so each
# year is its own row (an administrator adds next year's when the dates are published).
SENSITIVE = [
    ("全国两会", dt.date(2026, 3, 1), dt.date(2026, 3, 15), True, 7),
    ("国庆节", dt.date(2026, 10, 1), dt.date(2026, 10, 7), True, 7),
    ("元旦", dt.date(2026, 1, 1), dt.date(2026, 1, 3), True, 3),
    ("春节（2026年）", dt.date(2026, 2, 15), dt.date(2026, 2, 23), False, 10),
    ("春节（2027年）", dt.date(2027, 2, 5), dt.date(2027, 2, 13), False, 10),
]


def seed(apps, schema_editor):
    SensitiveDate = apps.get_model("risk", "SensitiveDate")
    for name, start, end, recurs, lead in SENSITIVE:
        SensitiveDate.objects.get_or_create(name=name, defaults={"start": start, "end": end, "recurs_yearly": recurs, "lead_days": lead})
    apps.get_model("risk", "RiskScoringConfig").objects.get_or_create(pk=1)
    WatchedSeries = apps.get_model("risk", "WatchedSeries")
    WatchedSeries.objects.get_or_create(name="区县×领域（按周）", defaults={"area_level": 2, "dimension": "domain", "frequency": "weekly"})
    WatchedSeries.objects.get_or_create(name="区县×信访类别（按周）", defaults={"area_level": 2, "dimension": "category", "frequency": "weekly"})


class Migration(migrations.Migration):
    dependencies = [("risk", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
