from django.db import migrations

DOMAINS = [
    ("real_estate", "房地产", True),
    ("finance", "金融", True),
    ("labour", "劳动关系", True),
    ("education_health", "教育医疗", True),
    ("environment", "环境保护", True),
    ("urban_rural", "城乡建设", False),
    ("transport", "交通运输", False),
    ("agriculture", "农业农村", False),
    ("social_security", "社会保障", False),
    ("commerce", "商贸旅游", False),
    ("land", "国土资源", False),
    ("public_security", "公安政法", False),
    ("discipline", "纪检监察", False),
    ("other", "其他", False),
]


def seed(apps, schema_editor):
    Domain = apps.get_model("cases", "Domain")
    for order, (code, name, is_key) in enumerate(DOMAINS):
        Domain.objects.update_or_create(code=code, defaults={"name": name, "is_key": is_key, "sort_order": order})


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
