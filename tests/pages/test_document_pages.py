"""The standard's text as pages: the document page with its checks, the download buttons on the release
and standard pages, the part page's concept diagrams; and the `sfreg document` command."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pages.pages_helpers import HTML, assert_page

from api.versioned import TABLES
from registry.auth import SYSTEM
from registry.database import transaction
from registry.releases import service as releases
from registry.releases.models import ReleaseCreate

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def samples(engine, seeded):
    """The sample concepts and release 2025.1, a 征求意见稿 of standard sfterms-1 (part 1)."""
    from terms.seed import seed_concepts
    with transaction(engine) as session:
        seed_concepts(session)
        releases.create_release(session, ReleaseCreate(name="2025.1", stage="comment_draft", standard="sfterms-1"),
                                actor=SYSTEM, tables=TABLES)


class TestDocumentPage:
    def test_shows_checks_buttons_and_the_text(self, client, samples):
        body = assert_page(client.get("/standards/sfterms-1/document?release=2025.1", headers=HTML), 200,
                           "JR/T XXXX.1")
        assert body.index('class="doc-checks"') < body.index('class="std-doc"')
        assert 'href="/api/v1/standards/sfterms-1/document?format=docx&amp;release=2025.1"' in body
        assert "problem-dangling_reference" in body and '<link rel="stylesheet" href="/document.css">' in body

    def test_english_labels(self, client, samples):
        body = assert_page(client.get("/standards/sfterms-1/document?lang=en", headers=HTML), 200, "Standard text")
        assert "Checks before printing" in body

    def test_unknown_standard_is_an_html_404(self, client, samples):
        assert_page(client.get("/standards/nope/document", headers=HTML), 404, "")


class TestButtons:
    def test_release_page_offers_each_standard_it_holds(self, client, samples):
        body = assert_page(client.get("/releases/2025.1", headers=HTML), 200, "2025.1")
        assert 'href="/standards/sfterms-1/document?release=2025.1"' in body
        assert "/standards/sfterms-2/document" not in body

    def test_standard_page_offers_live_and_releases(self, client, samples):
        body = client.get("/standards/sfterms-1", headers=HTML).text
        assert 'href="/standards/sfterms-1/document"' in body
        assert 'href="/api/v1/standards/sfterms-1/document?format=pdf&amp;release=2025.1"' in body


class TestPartDiagrams:
    def test_boxes_link_to_the_entry_pages(self, client, samples):
        body = assert_page(client.get("/parts/1", headers=HTML), 200, "")
        assert '<section class="diagrams"' in body and 'xlink:href="/concepts/' in body


class TestCommand:
    def run(self, env, *args):
        return subprocess.run([sys.executable, "-m", "sfreg_cli", "document", *args], cwd=REPO,
                              env={**os.environ, **env}, capture_output=True, text=True, timeout=300)

    def test_writes_the_file_and_strict_refuses(self, database_url, tmp_path, samples):
        env = {"SFREG_DATABASE_URL": database_url, "SFREG_HOME": str(tmp_path)}
        out = tmp_path / "part1.xml"
        done = self.run(env, "sfterms-1", "--release", "2025.1", "--format", "sts", "-o", str(out))
        assert done.returncode == 0, done.stderr
        assert out.read_bytes().startswith(b"<?xml") and "warning: 1.1.1" in done.stderr
        strict = self.run(env, "sfterms-1", "--release", "2025.1", "-f", "sts", "-o", str(tmp_path / "x"), "--strict")
        assert strict.returncode == 1 and "Invalid input" in strict.stderr and not (tmp_path / "x").exists()

    def test_unknown_format(self, database_url, tmp_path, samples):
        env = {"SFREG_DATABASE_URL": database_url, "SFREG_HOME": str(tmp_path)}
        done = self.run(env, "sfterms-1", "-f", "odt", "-o", str(tmp_path / "x"))
        assert done.returncode == 1 and "unknown document format 'odt'" in done.stderr
