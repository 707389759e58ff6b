"""Fill the new search columns of existing rows and index them.

- Case.search_document: computed for every existing case (cases/searchdoc.reindex).
- Petitioner.name_hash: the blind index of each stored name. This is the one time names
  are decrypted in bulk (the migration needs MINXIN_FIELD_KEY, as the application does);
  searches afterwards only compare hashes.
- PostgreSQL: a GIN index on the tsvector (built in, no extension); other databases skip it
  (SQLite matches tokens with LIKE).
"""

from django.db import migrations

PG_INDEXES = [
    ("cases_search_gin", "CREATE INDEX IF NOT EXISTS cases_search_gin ON cases_case USING gin (search_document)"),
]


def backfill(apps, schema_editor):
    from minxin.cases.searchdoc import reindex
    from minxin.core import crypto

    alias = schema_editor.connection.alias
    reindex(apps.get_model("cases", "Case"), apps.get_model("org", "Area"), apps.get_model("org", "Unit"), using=alias)
    Petitioner = apps.get_model("cases", "Petitioner")
    batch = []
    for pk, name_enc in Petitioner.objects.using(alias).filter(name_hash="").values_list("pk", "name_enc").iterator(chunk_size=2000):
        batch.append(Petitioner(pk=pk, name_hash=crypto.blind_index("name", crypto.decrypt(name_enc))))
        if len(batch) >= 2000:
            Petitioner.objects.using(alias).bulk_update(batch, ["name_hash"])
            batch = []
    if batch:
        Petitioner.objects.using(alias).bulk_update(batch, ["name_hash"])


def create_pg_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for _name, sql in PG_INDEXES:
            schema_editor.execute(sql)


def drop_pg_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, _sql in PG_INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0008_search_document"),
        ("org", "0003_unit_is_external"),
    ]

    operations = [
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.RunPython(create_pg_indexes, drop_pg_indexes),
    ]
