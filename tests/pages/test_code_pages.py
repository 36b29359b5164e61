"""Code-list and validation pages: schemes, entries with validity and successors, verdict table and CSV."""

import csv
import io

import pytest
from pages.pages_helpers import EVIL, HTML, assert_page

from codes import service
from codes.models import CodeTransitionIn
from registry.auth import SYSTEM
from registry.database import transaction


@pytest.fixture
def superseded(engine, seeded_codes) -> None:
    """XSSC superseded by XSHG (made up for the test)."""
    with transaction(engine) as session:
        service.transition_code(session, "venue", "XSSC", CodeTransitionIn(to="superseded", successor="XSHG",
                                                                           valid_to="2025-01-01"), actor=SYSTEM)


class TestSchemes:
    def test_lists_schemes_with_their_standard(self, client):
        body = assert_page(client.get("/schemes", headers=HTML), 200, "编码表")
        assert 'href="/schemes/venue"' in body and "ISO 10383" in body

    def test_scheme_lists_entries_with_validity(self, client, seeded_codes):
        body = assert_page(client.get("/schemes/venue", headers=HTML), 200, "交易场所")
        assert 'href="/schemes/venue/XSHG"' in body and "上海证券交易所" in body
        assert "2007-09-24" in body  # XSME's expiry

    def test_scheme_search_and_status_filter(self, client, seeded_codes):
        body = client.get("/schemes/venue", params={"q": "上海", "status": "active"}, headers=HTML).text
        assert "XSHG" in body and "XSME" not in body

    def test_unknown_scheme_is_404_page(self, client):
        assert_page(client.get("/schemes/bogus", headers=HTML), 404, "404")


class TestCodePage:
    def test_entry_with_status_validity_and_history(self, client, seeded_codes):
        body = assert_page(client.get("/schemes/venue/XSME", headers=HTML), 200, "XSME")
        assert "expired" in body and "2003-04-01" in body and "修订历史" in body

    def test_successor_is_a_link(self, client, superseded):
        body = assert_page(client.get("/schemes/venue/XSSC", headers=HTML), 200, "XSSC")
        assert '<a href="/schemes/venue/XSHG">XSHG</a>' in body and "superseded" in body

    def test_unknown_code_is_404_page(self, client, seeded_codes):
        assert_page(client.get("/schemes/venue/ZZZZ", headers=HTML), 404, "404")


class TestValidatePage:
    CODES = "US0378331005\nUS0378331004\n" + EVIL

    def test_form_without_codes(self, client):
        body = assert_page(client.get("/validate", headers=HTML), 200, "编码校验")
        assert '<label for="codes">' in body and '<option value="isin" selected>' in body

    def test_table_of_verdicts_with_reasons_and_components(self, client):
        body = assert_page(client.get("/validate", params={"kind": "isin", "codes": self.CODES}, headers=HTML),
                           200, "编码校验")
        assert body.count('<tr class="ok">') == 1 and body.count('<tr class="bad">') == 2
        english = client.get("/validate", params={"kind": "isin", "codes": self.CODES, "lang": "en"}, headers=HTML)
        assert "check digit" in english.text
        assert "<dt>prefix</dt>" in body or "<dt>country" in body
        assert EVIL not in body and "&lt;script&gt;" in body
        assert "format=csv" in body

    def test_csv_download(self, client):
        response = client.get("/validate", params={"kind": "isin", "codes": self.CODES, "format": "csv"})
        assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
        assert "attachment" in response.headers["content-disposition"]
        rows = list(csv.DictReader(io.StringIO(response.text.lstrip("\ufeff"))))
        assert [r["valid"] for r in rows] == ["True", "False", "False"]
        assert rows[1]["errors"] and rows[1]["errors_zh"]

    def test_unknown_kind_is_404_page(self, client):
        assert_page(client.get("/validate", params={"kind": "cusip", "codes": "x"}, headers=HTML), 404, "404")
