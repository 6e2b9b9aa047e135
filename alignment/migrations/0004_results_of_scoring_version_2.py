"""Scoring version 2 keeps every version 1 figure and adds `perception`, which is null on a
version 1 bank (the only bank results existed for before version 2). Re-scoring such a result
under version 2 gives the same document with `"perception": null` and the new version: this
migration writes exactly that in place, so results, their reports and their digests stay
linked and the sweeper does not re-score (and re-render) every past round."""

from django.db import migrations

OLD, NEW = "1", "2"


def forwards(apps, schema_editor):
    AlignmentResult = apps.get_model("alignment", "AlignmentResult")
    for result in AlignmentResult.objects.filter(scoring_version=OLD).iterator(chunk_size=500):
        result.data = result.data | {"scoring_version": NEW, "perception": None}
        result.scoring_version = NEW
        result.save(update_fields=["scoring_version", "data"])


def backwards(apps, schema_editor):
    AlignmentResult = apps.get_model("alignment", "AlignmentResult")
    # Only results without perception can go back to version 1 unchanged.
    for result in AlignmentResult.objects.filter(scoring_version=NEW).iterator(chunk_size=500):
        if result.data.get("perception") is None:
            data = {k: v for k, v in result.data.items() if k != "perception"}
            result.data = data | {"scoring_version": OLD}
            result.scoring_version = OLD
            result.save(update_fields=["scoring_version", "data"])


class Migration(migrations.Migration):
    dependencies = [("alignment", "0003_result_dimension_indices")]

    operations = [migrations.RunPython(forwards, backwards)]
