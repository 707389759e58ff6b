"""Working-day calendar 2022–2026 from the chinese_calendar package, so a fresh install can count days.

Later years: `manage.py calendar seed --year Y` after upgrading the package, or
entry by hand in the admin (规则与日历 › 工作日历年度).
"""

from django.db import migrations


def seed(apps, schema_editor):
    from minxin.rules.calendar_db import FIRST_SEEDED_YEAR, LAST_SEEDED_YEAR, package_years, seed_year_rows

    CalendarYear = apps.get_model("rules", "CalendarYear")
    CalendarDay = apps.get_model("rules", "CalendarDay")
    available = package_years()
    for year in range(FIRST_SEEDED_YEAR, LAST_SEEDED_YEAR + 1):
        if year in available:
            seed_year_rows(year, calendar_year_model=CalendarYear, calendar_day_model=CalendarDay)


def unseed(apps, schema_editor):
    apps.get_model("rules", "CalendarYear").objects.filter(source="chinese_calendar").delete()


class Migration(migrations.Migration):
    dependencies = [("rules", "0002_seed_national_rules")]
    operations = [migrations.RunPython(seed, unseed)]
