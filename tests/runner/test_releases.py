"""guide_runner/releases.py: one docs source, one rendition per release."""

from __future__ import annotations

import dataclasses

import pytest

from guide_runner import project
from guide_runner import releases as versions
from guide_runner.page import read_page
from docs_site.paths import PROJECT, ROOT

# Reads no page of docs/ (its pages are tests/runner/pages): --changed does not run it for a page change.
pytestmark = pytest.mark.reads_pages()

PAGES = ROOT / "tests" / "runner" / "pages"
TEXT = """\
Run rowbook/rowbook:0.1.5, new since 0.1.5.
<!-- version: since 0.1.5 -->
Only in 0.1.5 and later.
<!-- /version -->
<!-- version: before 0.1.5 -->
Only before 0.1.5.
<!-- /version -->
End."""


def test_the_newest_release_keeps_its_text_and_drops_older_text():
    assert versions.render(TEXT, "0.1.5") == "Run rowbook/rowbook:0.1.5, new since 0.1.5.\nOnly in 0.1.5 and later.\nEnd."


def test_an_older_release_gets_its_number_and_its_own_text():
    # "since 0.1.5" is not rewritten; text marked before 0.1.5 is kept as written.
    assert versions.render(TEXT, "0.1.1") == "Run rowbook/rowbook:0.1.1, new since 0.1.5.\nOnly before 0.1.5.\nEnd."


def test_releases_are_ordered_oldest_first_and_pages_can_be_left_out():
    assert list(versions.versions()) == sorted(versions.versions(), key=versions.key)
    assert versions.newest() == "0.1.5" and "0.1.1" in versions.older()
    assert not versions.has_page("0.1.1", "switching-databases.md")
    assert versions.has_page("0.1.5", "switching-databases.md")


def test_the_runner_reads_an_older_rendition_and_names_lines_of_the_source():
    newest, older = read_page(PAGES / "versions.md"), read_page(PAGES / "versions.md", "0.1.1")
    assert older.path == newest.path + "@0.1.1"
    (new_block,), (old_block,) = newest.blocks, older.blocks
    assert new_block.line == old_block.line == 3
    assert new_block.source == "$ echo rowbook 0.1.5; echo new\nrowbook 0.1.5\nnew\n"
    assert old_block.source == "$ echo rowbook 0.1.1; echo old\nrowbook 0.1.1\nold\n"


def _files(folder):
    return {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_a_rendition_is_named_for_its_inputs_and_made_whole_by_a_rename(tmp_path, monkeypatch):
    import threading

    previous = project.use(dataclasses.replace(PROJECT, cache=tmp_path))  # clears the cached renditions
    tmp_path = project.current().renditions
    try:
        dirs = versions.snippet_dirs("0.1.1")
        out = dirs[0].parent
        assert out.parent == tmp_path and out.name.startswith("0.1.1-")
        assert [d.name for d in dirs] == list(versions.snippet_folders())
        made = _files(out)
        assert made
        # Another process that found no rendition at the same moment renders too,
        # from several threads at once: none fails, and the files a reader holds
        # are never deleted nor changed, nor is anything left beside them.
        opened = {path: (out / path).open("rb") for path in made}
        errors = []

        def render_again():
            try:
                versions._render_into_place("0.1.1", out)
            except Exception as error:  # noqa: BLE001 (reported below)
                errors.append(error)

        threads = [threading.Thread(target=render_again) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        assert {path: f.read() for path, f in opened.items()} == made
        assert _files(out) == made
        assert [p.name for p in tmp_path.iterdir()] == [out.name]
        for f in opened.values():
            f.close()
        # A process that starts later reuses it; a changed input gets a folder of its own.
        versions.snippet_dirs.cache_clear()
        assert versions.snippet_dirs("0.1.1") == dirs
        monkeypatch.setattr(versions, "_rendition_digest", lambda version: "changed")
        versions.snippet_dirs.cache_clear()
        assert versions.snippet_dirs("0.1.1")[0].parent.name == "0.1.1-changed"
        assert _files(out) == made
    finally:
        project.use(previous)
