from django.db import migrations, models

import minxin.notify.models


def fill_keys(apps, schema_editor):
    import uuid

    Delivery = apps.get_model("notify", "Delivery")
    for pk in Delivery.objects.filter(idempotency_key__isnull=True).values_list("pk", flat=True).iterator():
        Delivery.objects.filter(pk=pk).update(idempotency_key=uuid.uuid4().hex)


class Migration(migrations.Migration):

    dependencies = [
        ("notify", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="delivery",
            name="idempotency_key",
            field=models.CharField(editable=False, max_length=64, null=True, verbose_name="幂等键"),
        ),
        migrations.RunPython(fill_keys, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="delivery",
            name="idempotency_key",
            field=models.CharField(default=minxin.notify.models.new_idempotency_key, editable=False, max_length=64, unique=True, verbose_name="幂等键"),
        ),
        migrations.AddField(
            model_name="delivery",
            name="claimed_by",
            field=models.CharField(blank=True, max_length=64, verbose_name="发送进程"),
        ),
        migrations.AddField(
            model_name="delivery",
            name="lease_until",
            field=models.DateTimeField(blank=True, null=True, verbose_name="占用至"),
        ),
        migrations.AddField(
            model_name="delivery",
            name="body_enc",
            field=models.TextField(blank=True, verbose_name="内容（密文，发送后清除）"),
        ),
        migrations.AlterField(
            model_name="delivery",
            name="status",
            field=models.CharField(choices=[("queued", "待发送"), ("sending", "发送中"), ("sent", "已发送"), ("failed", "发送失败")], default="queued", max_length=8, verbose_name="状态"),
        ),
    ]
