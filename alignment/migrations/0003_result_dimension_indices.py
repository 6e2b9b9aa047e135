"""Each result's dimension indices in a column of their own, and an index holding them with
the overall index, for the portfolio: it reads the latest result of thousands of
organisations and must not read their rows and whole `data`."""

from django.db import migrations, models

BATCH = 500


def fill_dimension_indices(apps, schema_editor):
    # The rule of alignment.models.dimension_indices_of, copied: a migration must not
    # depend on code that may change after it.
    AlignmentResult = apps.get_model("alignment", "AlignmentResult")
    batch = []
    for result in AlignmentResult.objects.only("pk", "data").iterator(chunk_size=BATCH):
        rows = (result.data or {}).get("dimensions", [])
        result.dimension_indices = {row["code"]: row["alignment_index"] for row in rows}
        batch.append(result)
        if len(batch) == BATCH:
            AlignmentResult.objects.bulk_update(batch, ["dimension_indices"])
            batch = []
    AlignmentResult.objects.bulk_update(batch, ["dimension_indices"])


class Migration(migrations.Migration):
    dependencies = [
        ("alignment", "0002_workshop"),
        ("assessments", "0003_invitations"),
    ]

    operations = [
        migrations.AddField(
            model_name="alignmentresult",
            name="dimension_indices",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.RunPython(fill_dimension_indices, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="alignmentresult",
            index=models.Index(
                fields=["assessment", "scoring_version"],
                include=("alignment_index", "dimension_indices"),
                name="result_latest_figures",
            ),
        ),
    ]
