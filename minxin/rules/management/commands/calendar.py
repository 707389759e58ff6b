"""manage.py calendar seed [--year Y] [--force] | check | show --year Y"""

from django.core.management.base import BaseCommand, CommandError

from minxin.core.errors import DomainError
from minxin.rules import alerts, calendar_db
from minxin.rules.models import CalendarDay, CalendarYear


class Command(BaseCommand):
    help = "Working-day calendar: seed years from chinese_calendar, check coverage, show a year."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        seed = sub.add_parser("seed", help="Load holidays and make-up working days from the chinese_calendar package.")
        seed.add_argument("--year", type=int, action="append", help="Year to load (repeatable). Default: 2022 to the last year the package covers.")
        seed.add_argument("--force", action="store_true", help="Overwrite a year an administrator entered by hand.")
        sub.add_parser("check", help="Raise an administrator alert for this (and, from November, next) year if incomplete.")
        show = sub.add_parser("show", help="List the holidays and make-up working days of a year.")
        show.add_argument("--year", type=int, required=True)

    def handle(self, *args, action, **options):
        return getattr(self, f"handle_{action}")(**options)

    def handle_seed(self, *, year=None, force=False, **_):
        years = year or sorted(y for y in calendar_db.package_years() if y >= calendar_db.FIRST_SEEDED_YEAR)
        for y in years:
            try:
                written = calendar_db.seed_year(y, force=force)
            except DomainError as exc:
                raise CommandError(exc.message) from exc
            if written:
                self.stdout.write(f"{y}: seeded from chinese_calendar ({CalendarDay.objects.filter(calendar_year__year=y).count()} days)")
            else:
                self.stdout.write(f"{y}: kept (entered by hand; use --force to overwrite)")

    def handle_check(self, **_):
        missing = alerts.check_calendar_coverage()
        if missing:
            self.stdout.write(f"missing calendar years (administrator alerted): {', '.join(map(str, missing))}")
        else:
            self.stdout.write("calendar complete for the years needed now")

    def handle_show(self, *, year, **_):
        cy = CalendarYear.objects.filter(year=year).first()
        if cy is None:
            raise CommandError(f"no calendar for {year}")
        self.stdout.write(f"{year}: complete={cy.complete} source={cy.source}")
        for d in cy.days.order_by("date"):
            self.stdout.write(f"{d.date:%Y-%m-%d} {d.date:%a} {'上班' if d.is_workday else '放假'} {d.name}")
