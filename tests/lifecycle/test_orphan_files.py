"""`manage.py check_files`: report files no report refers to are listed, then removed."""

import os
import time

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command

from reports.models import Report

pytestmark = pytest.mark.django_db


def test_it_lists_and_removes_orphans_and_keeps_every_report_file(tenant, rival, capsys):
    stray = default_storage.save("reports/gone-round/parley-report-x.pdf", ContentFile(b"%PDF"))
    old_temp = default_storage.save(f"reports/{tenant.scored.code}/.tmp-a-1.pdf", ContentFile(b"x"))
    young_temp = default_storage.save(
        f"reports/{tenant.scored.code}/.tmp-b-2.pdf", ContentFile(b"y")
    )
    an_hour_ago = time.time() - 3600
    os.utime(default_storage.path(old_temp), (an_hour_ago, an_hour_ago))

    with pytest.raises(SystemExit) as exited:
        call_command("check_files")
    assert exited.value.code == 1
    out = capsys.readouterr().out
    assert f"orphan: {stray}" in out and f"orphan: {old_temp}" in out
    assert young_temp not in out  # may be a render still running
    assert "2 orphan file(s)." in out

    call_command("check_files", delete=True)
    assert "Removed 2 orphan file(s)." in capsys.readouterr().out
    assert not default_storage.exists(stray) and not default_storage.exists(old_temp)
    assert default_storage.exists(young_temp)
    for report in Report.objects.exclude(file=""):
        assert default_storage.exists(report.file.name), report.file.name
    call_command("check_files")  # nothing left: exits normally
    assert "0 orphan file(s)." in capsys.readouterr().out
