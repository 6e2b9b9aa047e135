"""The documentation lives in the repository and holds together: the README stays short and
starts with the two commands, every relative link (and heading anchor) resolves, every setting
read in config/ is in the configuration reference, and no file points to a document outside
the repository. Plain file reads: no database, no services."""

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
README = ROOT / "README.md"
README_MAX_LINES = 150

# Pages other engineers are writing at the same time; docs/README.md already links them. Until
# each one lands, a link to it (and only to one of these) may point to a file not yet here.
PENDING_DOCS = frozenset(
    {
        "accounts-and-security.md",
        "data-lifecycle.md",
        "demo-and-navigation.md",
        "scale.md",
        "perceived-alignment.md",
        "api.md",
    }
)

# References to the design notes the project started from, which are not in the repository.
# Spelled in pieces so that this file does not match itself.
OUTSIDE_REFERENCES = (
    "ARCHITECTURE" + ".md",
    "shared" + "/design",
    "/work" + "/shared",
    "../" + "shared",
    "CONVENTIONS" + ".md",
)
NOT_SCANNED_DIRS = {".git", ".venv", "node_modules", "media", "media-test", "staticfiles"}

_FENCE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.MULTILINE | re.DOTALL)
_INLINE_CODE = re.compile(r"`[^`\n]*`")
_LINK = re.compile(r"!?\[[^\]\n]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


def _markdown_files() -> list[Path]:
    return [README, *sorted(DOCS.glob("*.md"))]


def _prose(text: str) -> str:
    """The text outside code blocks and inline code, where links are links."""
    return _INLINE_CODE.sub("", _FENCE.sub("", text))


def _links(path: Path) -> list[str]:
    return _LINK.findall(_prose(path.read_text(encoding="utf-8")))


def _is_external(target: str) -> bool:
    return bool(re.match(r"^[a-z][a-z0-9+.-]*:", target))


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[`*]", "", heading).strip().lower()
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    anchors, seen = set(), {}
    in_fence = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith(("```", "~~~")):
            in_fence = not in_fence
            continue
        match = None if in_fence else _HEADING.match(line)
        if match:
            slug = _slug(match.group(2))
            count = seen.get(slug, 0)
            seen[slug] = count + 1
            anchors.add(slug if count == 0 else f"{slug}-{count}")
    return anchors


def _broken_links(path: Path, root: Path = ROOT) -> list[str]:
    broken = []
    where = path.relative_to(root).as_posix()
    for target in _links(path):
        if _is_external(target):
            continue
        file_part, _, anchor = target.partition("#")
        destination = (path.parent / file_part).resolve() if file_part else path
        if not destination.exists():
            if destination.name in PENDING_DOCS and destination.parent == DOCS:
                continue
            broken.append(f"{where}: {target} (no such file)")
            continue
        if not destination.is_relative_to(root):
            broken.append(f"{where}: {target} (outside the repository)")
        elif anchor and destination.suffix == ".md" and anchor not in _anchors(destination):
            broken.append(f"{where}: {target} (no such heading)")
    return broken


# --- the README ---------------------------------------------------------------------------------


def test_the_readme_is_short():
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= README_MAX_LINES, f"README.md has {len(lines)} lines"


def test_the_readme_starts_with_the_two_commands():
    lines = [line for line in README.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert lines[0].startswith("# "), "the README opens with its title"
    assert lines[1].startswith("```"), "then, before anything else, a block of commands"
    block = lines[2 : lines.index(lines[1][:3], 2)]
    commands = [line.split("#")[0].strip() for line in block]
    assert commands == ["make run", "make test"]


def test_the_readme_shows_the_screenshot_and_links_the_docs():
    links = _links(README)
    assert "docs/images/results.png" in links
    assert "docs/README.md" in links
    assert (ROOT / "docs/images/results.png").stat().st_size < 400_000


# --- links ------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", _markdown_files(), ids=lambda path: path.relative_to(ROOT).name)
def test_every_relative_link_resolves(path):
    assert _broken_links(path) == []


def test_the_docs_index_links_every_page_and_every_pending_page():
    linked = {Path(target.partition("#")[0]).name for target in _links(DOCS / "README.md")}
    pages = {path.name for path in DOCS.glob("*.md")} - {"README.md"}
    assert pages | PENDING_DOCS <= linked


def test_the_link_check_finds_broken_links_and_anchors(tmp_path):
    (tmp_path / "other.md").write_text("# Other\n\n## Its part\n", encoding="utf-8")
    (tmp_path / "outside.md").write_text("# Outside\n", encoding="utf-8")
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "other.md").write_text("# Other\n\n## Its part\n", encoding="utf-8")
    page = repo / "page.md"
    page.write_text(
        "# Title\n\n## A heading\n\n[ok](#a-heading) [ok too](other.md#its-part) "
        "[gone](missing.md) [bad anchor](#no-heading) [bad too](other.md#nope) "
        "[out](../outside.md) `[in code](nowhere.md)` [web](https://example.com)\n\n"
        "```\n[in a block](nowhere.md)\n```\n",
        encoding="utf-8",
    )
    assert _broken_links(page, root=repo) == [
        "page.md: missing.md (no such file)",
        "page.md: #no-heading (no such heading)",
        "page.md: other.md#nope (no such heading)",
        "page.md: ../outside.md (outside the repository)",
    ]


def test_github_anchors_are_computed_as_github_does():
    assert _slug("Hand-offs up the chain") == "hand-offs-up-the-chain"
    assert _slug("Version 2: perceived alignment — planned") == (
        "version-2-perceived-alignment--planned"
    )
    assert _slug("export_results") == "export_results"
    assert _slug("Background tasks (Celery)") == "background-tasks-celery"


# --- tables -----------------------------------------------------------------------------------


def _table_problems(text: str) -> list[str]:
    """Rows whose cell count differs from their table's header. A `|` inside a cell, even
    inside backticks, splits the cell on GitHub; it must be escaped as `\\|`."""
    problems, header = [], None
    text = _FENCE.sub(lambda block: "\n" * block.group(0).count("\n"), text)
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.startswith("|"):
            header = None
            continue
        cells = len(re.findall(r"(?<!\\)\|", line)) - 1
        if header is None:
            header = cells
        elif cells != header:
            problems.append(f"line {number}: {cells} cells, header has {header}")
    return problems


@pytest.mark.parametrize("path", _markdown_files(), ids=lambda path: path.relative_to(ROOT).name)
def test_every_table_row_has_as_many_cells_as_its_header(path):
    assert _table_problems(path.read_text(encoding="utf-8")) == []


def test_the_table_check_finds_a_pipe_inside_a_cell():
    table = "| a | b |\n|---|---|\n| `x|y` | z |\n| `x\\|y` | z |\n\ntext\n| c |\n|---|\n"
    assert _table_problems(table) == ["line 3: 3 cells, header has 2"]


# --- configuration ----------------------------------------------------------------------------

_ENV_READ = re.compile(
    r"""(?:env_\w+|os\.environ\.get|os\.environ\.setdefault|os\.getenv)\(\s*["']([A-Z][A-Z0-9_]+)["']"""
    r"""|os\.environ\[["']([A-Z][A-Z0-9_]+)["']\]"""
)


def _variables_read_in_config() -> set[str]:
    found = set()
    for path in (ROOT / "config").rglob("*.py"):
        for match in _ENV_READ.finditer(path.read_text(encoding="utf-8")):
            found.add(match.group(1) or match.group(2))
    return found


def test_every_variable_read_in_config_is_in_the_configuration_reference():
    variables = _variables_read_in_config()
    assert {"SECRET_KEY", "DATABASE_URL", "DJANGO_SETTINGS_MODULE", "EMAIL_URL"} <= variables
    reference = (DOCS / "configuration.md").read_text(encoding="utf-8")
    missing = sorted(name for name in variables if f"`{name}`" not in reference)
    assert missing == []


# --- nothing points outside the repository ----------------------------------------------------


def _repository_files() -> list[Path]:
    """Tracked files and new ones not ignored; without git, every file but the ignored dirs."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
            cwd=ROOT,
            capture_output=True,
            check=True,
        ).stdout.decode()
        paths = [ROOT / name for name in listed.split("\0") if name]
    except (OSError, subprocess.CalledProcessError):
        paths = [
            path
            for path in ROOT.rglob("*")
            if not NOT_SCANNED_DIRS & set(path.relative_to(ROOT).parts)
        ]
    return [path for path in paths if path.is_file()]


def test_no_file_points_to_a_document_outside_the_repository():
    offending = []
    for path in _repository_files():
        data = path.read_bytes()
        if b"\0" in data[:4096]:
            continue  # binary (images, fonts)
        text = data.decode("utf-8", errors="replace")
        for needle in OUTSIDE_REFERENCES:
            if needle in text:
                offending.append(f"{path.relative_to(ROOT)}: {needle}")
    assert offending == []


def test_the_outside_reference_scan_reads_new_files():
    files = {path.relative_to(ROOT).as_posix() for path in _repository_files()}
    assert "tests/test_docs.py" in files
    assert "alignment/scoring.py" in files
    assert not any(name.startswith((".venv/", "node_modules/")) for name in files)
