import datetime as dt, time, itertools
import pytest
from minxin.oversight.models import DailyRollup
from minxin.web.oversight import dashboards as b

@pytest.mark.django_db
def test_bench(city):
    areas = [a for k, a in city.areas.items()]
    rows = []
    start = dt.date(2025, 1, 1)
    for d in range(365):
        for a, ch, cat in itertools.product(areas, ("visit", "letter", "online", "phone", "fax"), ("complaint", "suggestion", "accusation")):
            rows.append(DailyRollup(date=start + dt.timedelta(days=d), area=a, channel=ch, category=cat, received=1))
    DailyRollup.objects.bulk_create(rows, batch_size=5000)
    s = b.scope_for(city.staff["city_analyst"], area_code=None, start=start, end=dt.date(2025, 12, 31))
    b.areas(s)
    for name, fn in (("volume week channel", lambda: b.volume(s, dim="channel", period="week")),
                     ("volume month area", lambda: b.volume(s, dim="area", period="month")),
                     ("volume week area", lambda: b.volume(s, dim="area", period="week")),
                     ("areas treemap", lambda: b.areas(s))):
        t = time.perf_counter(); fn(); print(f"\nBENCH {len(rows)} rows {name}: {1000*(time.perf_counter()-t):.0f} ms")
