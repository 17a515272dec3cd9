"""The optional model backend against a fake OpenAI-compatible server on 127.0.0.1."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tollwatch.core.errors import InputError
from tollwatch.core.extraction import Gazetteer
from tollwatch.core.model import Sensitivity
from tollwatch.engines.llm import LLMConfig, extract_with_model, find_quote, parse_model_answer

TEXT = (
    "The source said the Kaechon labor camp has received lots of thread to make wigs.\n"
    "At Paekto, prisoners   make dolls. Camps in general make furniture."
)

ANSWER = {
    "claims": [
        # a good claim, by entity id
        {"subject": "KP-KHS-001", "predicate": "produces", "object": "product-wigs",
         "quote": "The source said the Kaechon labor camp has received lots of thread to make wigs.", "confidence": 0.9},
        # by names, quote with different whitespace: kept, quote re-read from the text
        {"subject": "Paekto", "predicate": "produces", "object": "dolls", "quote": "At Paekto, prisoners make dolls."},
        # a quote that is not in the text: dropped
        {"subject": "KP-KHS-001", "predicate": "produces", "object": "product-dolls", "quote": "Kaechon makes dolls."},
        # an unknown predicate: dropped
        {"subject": "KP-KHS-001", "predicate": "loves", "object": "product-wigs", "quote": "At Paekto, prisoners"},
        # an unknown subject: dropped
        {"subject": "Atlantis camp", "predicate": "produces", "object": "product-wigs", "quote": "At Paekto"},
        # a new entity proposed by the model
        {"subject": "Furniture Camp", "predicate": "produces", "value": "furniture", "quote": "Camps in general make furniture."},
        "not even an object",
    ],
    "new_entities": [{"name": "Furniture Camp", "kind": "facility"}, {"name": "Unused Ltd", "kind": "organization"}],
}


class _FakeOpenAI(BaseHTTPRequestHandler):
    answers: list[str] = []
    requests: list[dict] = []

    def do_POST(self):  # noqa: N802 - http.server API
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).requests.append({"path": self.path, "auth": self.headers.get("Authorization"), "body": body})
        if self.path != "/v1/chat/completions":
            self.send_response(404)
            self.end_headers()
            return
        content = type(self).answers.pop(0) if type(self).answers else "{}"
        payload = json.dumps({"choices": [{"message": {"role": "assistant", "content": content}}]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_server():
    _FakeOpenAI.answers = []
    _FakeOpenAI.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FakeOpenAI)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def gazetteer(tmp_path_factory):
    from tollwatch.app.evidence import open_store

    store = open_store(f"sqlite:///{tmp_path_factory.mktemp('gaz') / 'g.db'}")
    with store.read(Sensitivity.CONFIDENTIAL) as r:
        ents = r.list_entities()
    store.close()
    return Gazetteer(ents)


def test_model_claims_are_checked_against_the_text(fake_server, gazetteer):
    _FakeOpenAI.answers = ["```json\n" + json.dumps(ANSWER) + "\n```"]
    cfg = LLMConfig.from_options(url=fake_server, model="fake-model", key="sk-test")
    result = extract_with_model(TEXT, "src-x", gazetteer, cfg)
    got = {(c.subject_id, c.predicate.value, c.object_id or c.value) for c in result.claims}
    new_id = result.new_entities[0].id
    assert got == {("KP-KHS-001", "produces", "product-wigs"), ("KP-LTC-PAEKTO", "produces", "product-dolls"), (new_id, "produces", "furniture")}
    for c in result.claims:
        assert TEXT[c.evidence.span[0] : c.evidence.span[1]] == c.evidence.quote
        assert c.evidence.method.value == "model"
    dolls = next(c for c in result.claims if c.object_id == "product-dolls")
    assert dolls.evidence.quote == "At Paekto, prisoners   make dolls."  # the text's spacing, not the model's
    assert [e.caption for e in result.new_entities] == ["Furniture Camp"] and result.new_entities[0].is_new
    req = _FakeOpenAI.requests[0]
    assert req["auth"] == "Bearer sk-test" and req["body"]["model"] == "fake-model"
    assert TEXT in req["body"]["messages"][-1]["content"]


def test_ingest_with_the_model_backend_stores_only_verified_claims(fake_server, cli, store, tmp_path):
    f = tmp_path / "r.txt"
    f.write_text(TEXT, encoding="utf-8")
    _FakeOpenAI.answers = [json.dumps(ANSWER)]
    out = cli("ingest", str(f), "--backend", "llm", "--llm-url", fake_server, "--llm-model", "m", "--format", "json")
    res = json.loads(out.stdout)
    assert res["claims"] == 3
    with store.read(Sensitivity.CONFIDENTIAL) as r:
        claims = r.list_claims(source_id=res["source_id"])
        src = r.get_source(res["source_id"])
    assert len(claims) == 3 and all(c.review.status.value == "proposed" for c in claims)
    assert all(src.text[c.evidence.span[0] : c.evidence.span[1]] == c.evidence.quote for c in claims)


def test_confidential_text_never_goes_to_a_remote_endpoint(gazetteer):
    cfg = LLMConfig.from_options(url="https://api.example.invalid/v1", model="m")
    with pytest.raises(InputError, match="never sent to a remote model endpoint"):
        extract_with_model(TEXT, "s", gazetteer, cfg, sensitivity="confidential")


def test_confidential_text_may_go_to_a_local_endpoint(fake_server, gazetteer):
    _FakeOpenAI.answers = [json.dumps({"claims": []})]
    cfg = LLMConfig.from_options(url=fake_server, model="m")
    assert extract_with_model(TEXT, "s", gazetteer, cfg, sensitivity="confidential").claims == []


def test_endpoint_failures_are_clear_errors(fake_server, cli, store, tmp_path):
    f = tmp_path / "r.txt"
    f.write_text(TEXT, encoding="utf-8")
    with store.read(Sensitivity.CONFIDENTIAL) as r:
        before = r.counts()
    _FakeOpenAI.answers = ["this is not json"]
    bad = cli("ingest", str(f), "--backend", "llm", "--llm-url", fake_server, "--llm-model", "m", expect=2)
    assert "not a JSON object" in bad.stderr
    missing = cli("ingest", str(f), "--backend", "llm", "--llm-url", fake_server + "/nowhere", "--llm-model", "m", expect=2)
    assert "HTTP 404" in missing.stderr
    no_model = cli("ingest", str(f), "--backend", "llm", "--llm-url", fake_server, expect=2)
    assert "llm-model" in no_model.stderr
    with store.read(Sensitivity.CONFIDENTIAL) as r:
        assert r.counts() == before


def test_find_quote_is_exact_or_whitespace_only():
    assert find_quote("a  b c", "a b") == (0, 4)
    assert find_quote("abc", "abd") is None
    assert find_quote("abc", "  ") is None


def test_parse_answer_rejects_non_objects(gazetteer):
    with pytest.raises(InputError):
        parse_model_answer("[1, 2]", TEXT, "s", gazetteer)
