"""The leak suite's world and checker: unique markers in a confidential source, and a probe of
every web route (enumerated from the app, so a new route cannot be missed) as one role.

`probe(world, who)` returns {marker: [where it showed]}; the suite asserts it is empty for
roles without clearance and full for cleared ones (the positive control), and the mutation
tests assert a broken guard makes it non-empty.
"""

from __future__ import annotations

import io
import uuid
import zipfile

from fastapi.testclient import TestClient

from tests.server_support import add_users, csrf_from, sign_in, wait_job

RUN = uuid.uuid4().hex[:8].upper()
MARKERS = {
    "text": f"QZLTEXT{RUN}",
    "title": f"QZLTITLE{RUN}",
    "publisher": f"QZLPUB{RUN}",
    "url": f"qzlurl{RUN.lower()}",
    "entity": f"Qzlentity{RUN}",
    "alias": f"Qzlalias{RUN}",
}
PUBLIC_NAME = "Pyoljin Holdings"
SCREEN_FORMATS = ("jsonl", "csv", "xlsx", "html")


def build_world(tmp) -> dict:
    """A store with a confidential testimony (markers everywhere) and a merge of its entity into a public one."""
    from screening_support import fresh_db

    from tollwatch.app import curation, resolution
    from tollwatch.app.evidence import make_source, open_store
    from tollwatch.core.model import Claim, Entity, EntityKind, Evidence, Method, Name, Predicate, Sensitivity
    from tollwatch.server.app import create_app

    store = open_store(fresh_db(tmp))
    keys = add_users(store)
    m = MARKERS
    text = f"The witness {m['text']} said wigs went to {m['entity']} Trading and to {m['alias']} Trading in Dandong."
    conf = make_source(text, title=f"Testimony {m['title']}", publisher=f"Desk {m['publisher']}",
                       url=f"https://{m['url']}.example/t", kind="testimony", sensitivity="confidential", grade="B")
    public_id, proposed, merged = "org-leak-public", "org-leak-proposed", "org-leak-merged"

    def claim(cid: str, subject: str, quote: str) -> Claim:
        start = text.index(quote)
        return Claim(cid, subject, Predicate.REPORTED_ROLE, Evidence(conf.id, quote, (start, start + len(quote)), Method.HUMAN, 1.0), value="buyer")

    with store.begin("tester") as tx:
        tx.add_source(conf)
        tx.upsert_entity(Entity(public_id, EntityKind.ORGANIZATION, PUBLIC_NAME, names=[Name.of(PUBLIC_NAME)]))
        for eid, name in ((proposed, f"{m['entity']} Trading"), (merged, f"{m['alias']} Trading")):
            tx.upsert_entity(Entity(eid, EntityKind.ORGANIZATION, name, names=[Name.of(name)],
                                    attributes={"proposed_from": conf.id, "roles": ["buyer"]}, is_new=True))
        tx.add_claim(claim("c-leak-entity", proposed, f"wigs went to {m['entity']} Trading"))
        tx.add_claim(claim("c-leak-alias", merged, f"{m['alias']} Trading in Dandong"))
    partly = _add_partly_visible(store, conf.id)
    curation.merge_entity(store, "analyst", Sensitivity.CONFIDENTIAL, merged, public_id)
    # A resolver judgement joins the confidential proposal to the public entity's profile:
    # its names and id must reach no page, API answer or export below confidential.
    resolution.judge_pair(store, "analyst", proposed, public_id, "same", note="leak suite")
    app = create_app(store=store, secret_key="leak-suite-secret")
    with store.read(Sensitivity.CONFIDENTIAL) as r:
        public_sources = [s.id for s in r.list_sources() if s.id != conf.id][:2]
    ids = {"entity_id": [proposed, public_id, partly, "KP-KHS-001"], "source_id": [conf.id, *public_sources],
           "claim_id": ["c-leak-entity", "c-leak-alias"], "dataset": ["default", "tollwatch"],
           "name": ["analyst"], "key_id": ["999999"], "job_id": []}
    return {"store": store, "app": app, "keys": keys, "ids": ids, "conf": conf.id, "public": public_id, "proposed": proposed}


def _add_partly_visible(store, conf_id: str) -> str:
    """An entity proposed from the testimony but named in a public note: shown, its pointer to the testimony not."""
    from tollwatch.app.evidence import make_source
    from tollwatch.core.model import Claim, Entity, EntityKind, Evidence, Method, Name, Predicate

    text = "Public note: Partly Trading buys wigs from Sinuiju."
    public = make_source(text, title="Public note on Partly Trading", kind="news")
    quote = "Partly Trading buys wigs from Sinuiju."
    start = text.index(quote)
    with store.begin("tester") as tx:
        tx.add_source(public)
        tx.upsert_entity(Entity("org-leak-partly", EntityKind.ORGANIZATION, "Partly Trading", names=[Name.of("Partly Trading")],
                                attributes={"proposed_from": conf_id, "roles": ["buyer"]}, is_new=True))
        tx.add_claim(Claim("c-leak-partly", "org-leak-partly", Predicate.REPORTED_ROLE,
                           Evidence(public.id, quote, (start, start + len(quote)), Method.HUMAN, 1.0), value="buyer"))
    return "org-leak-partly"


def iter_routes(app) -> list[tuple[str, str]]:
    """(method, path) of every route the app serves, through included routers (HEAD is GET's twin)."""
    out: list[tuple[str, str]] = []

    def walk(routes, prefix: str) -> None:
        for route in routes:
            if hasattr(route, "original_router"):
                walk(route.original_router.routes, prefix + (getattr(route.include_context, "prefix", "") or ""))
            elif hasattr(route, "methods") and hasattr(route, "path"):
                out.extend((method, prefix + route.path) for method in sorted(route.methods or ()) if method != "HEAD")

    walk(app.routes, "")
    return out


def fill(path: str, ids: dict) -> list[str]:
    """The path with each {param} filled from the world's real ids (every combination)."""
    urls = [path]
    for param, values in ids.items():
        token = "{" + param + "}"
        if token in path:
            urls = [u.replace(token, v) for u in urls for v in values]
    return [u for u in urls if "{" not in u]


def client_for(world, who: str) -> tuple[TestClient, dict]:
    client = TestClient(world["app"])
    if who == "viewer-key":
        return client, {"Authorization": f"Bearer {world['keys']['viewer']}"}
    if who != "anonymous":
        sign_in(client, who)
        page = client.get("/").text
        return client, {"X-CSRF-Token": csrf_from(page)} if 'name="csrf_token"' in page else {}
    return client, {}


def found_markers(text: str, echoed: bool = False) -> set[str]:
    """The markers in `text`, in any case; where the request carried a marker (a query, typed in
    upper case, which the page may echo), only the stored spelling counts."""
    if echoed:
        return {k for k, v in MARKERS.items() if v in text}
    folded = text.casefold()
    return {k for k, v in MARKERS.items() if v.casefold() in folded}


def _body_text(response) -> str:
    if response.headers.get("content-type", "").startswith("application/vnd.openxml"):
        with zipfile.ZipFile(io.BytesIO(response.content)) as z:
            return " ".join(z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith(".xml"))
    return response.text + " " + " ".join(f"{k}: {v}" for k, v in response.headers.items())


class Probe:
    """Requests as one role, recording where each marker showed and which routes were reached."""

    def __init__(self, world, who: str, writes: bool):
        self.world, self.who, self.writes = world, who, writes
        self.client, self.headers = client_for(world, who)
        self.hits: dict[str, list[str]] = {}
        self.reached: set[tuple[str, str]] = set()

    def send(self, method: str, route: str, url: str, echoed: bool = False, **kw):
        r = self.client.request(method, url, headers=self.headers, follow_redirects=method == "GET", **kw)
        self.reached.add((method, route))
        body = _body_text(r)
        found = found_markers(body, echoed)
        if self.world["conf"] in body and self.world["conf"] not in url:
            found.add("source_id")  # the confidential source's id, not asked for (an attribute pointing at it)
        for marker in found:
            self.hits.setdefault(marker, []).append(f"{method} {url} ({r.status_code})")
        return r

    def queries(self) -> list[str]:
        """Names a reader might look for, in upper case (matching ignores case; echoes are told apart)."""
        return [MARKERS["entity"].upper(), MARKERS["alias"].upper(), f"{MARKERS['alias']} Trading".upper()]

    def run(self) -> dict[str, list[str]]:
        routes = iter_routes(self.world["app"])
        for method, path in routes:
            if path in ("/logout", "/login") and method == "POST":
                continue  # sign-in and -out are probed last (they change who the client is)
            self._route(method, path)
        self.reached |= {("POST", "/logout"), ("POST", "/login")}
        self.send("POST", "/login", "/login", data={"username": "junior", "password": "wrong"})
        return self.hits

    def _route(self, method: str, path: str) -> None:
        if path == "/match/{dataset}":
            return self._match(path)
        if path == "/api/screen" and method == "POST":
            return self._screen()
        if method != "GET":
            if not self.writes:
                self.reached.add((method, path))  # cleared roles read only: their writes would change the world
                return
            ids = {**self.world["ids"], "entity_id": [self.world["proposed"]], "source_id": [self.world["conf"]]}
            for url in fill(path, ids) or [path]:  # a path whose ids the world has none of (an upload token): probed as typed
                self.send(method, path, url, json={})
            return
        for url in fill(path, self.world["ids"]) or [path]:
            self.send("GET", path, url)
            if path in ("/api/search", "/search", "/search/{dataset}"):
                for q in self.queries():
                    self.send("GET", path, f"{url}?q={q}", echoed=True)

    def _match(self, path: str) -> None:
        for q in self.queries():
            body = {"queries": {"q": {"schema": "Company", "properties": {"name": [q]}}}}
            r = self.send("POST", path, "/match/default", echoed=True, json=body)
            assert r.status_code == 200, r.text

    def _screen(self) -> None:
        names = self.queries()
        r = self.send("POST", "/api/screen", "/api/screen", files={"file": ("n.csv", ("name\n" + "\n".join(names) + "\n").encode(), "text/csv")})
        assert r.status_code == 202, r.text
        st = wait_job(self.client, r.json()["status_url"], headers=self.headers)
        assert st["status"] == "done", st
        job = st["id"]
        for route, url in (("/api/screen/{job_id}", f"/api/screen/{job}"), ("/api/screen/{job_id}/results", f"/api/screen/{job}/results"),
                           ("/screen/jobs/{job_id}", f"/screen/jobs/{job}")):
            self.send("GET", route, url, echoed=True)
        for fmt in SCREEN_FORMATS:
            self.send("GET", "/api/screen/{job_id}/download", f"/api/screen/{job}/download?format={fmt}", echoed=True)
