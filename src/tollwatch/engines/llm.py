"""Optional model backend: claims proposed by any OpenAI-compatible chat endpoint.

Never required. The model sees the text and the known entities and answers JSON; every
claim it returns is checked before it can be stored: its quote must be found in the text
(the span is computed here, never trusted), its subject and object must resolve to a known
entity (or a new one it proposes), and its predicate must be one of ours. What fails is dropped.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from urllib.parse import urlparse

from tollwatch.core import names as name_intel
from tollwatch.core.errors import InputError
from tollwatch.core.extraction import ExtractionResult, Gazetteer
from tollwatch.core.model import (
    Claim,
    Entity,
    EntityKind,
    Evidence,
    Method,
    ModelError,
    Name,
    Period,
    Predicate,
    Quantity,
    parse_date,
    slug,
)

_KINDS = (EntityKind.FACILITY, EntityKind.ORGANIZATION, EntityKind.PRODUCT, EntityKind.PLACE)
MAX_GAZETTEER_IN_PROMPT = 400


@dataclass
class LLMConfig:
    url: str
    model: str
    key: str | None = None
    timeout: float = 120.0

    @classmethod
    def from_options(cls, url: str | None = None, model: str | None = None, key: str | None = None, timeout: float | None = None) -> LLMConfig:
        url = url or os.environ.get("TOLLWATCH_LLM_URL")
        model = model or os.environ.get("TOLLWATCH_LLM_MODEL")
        key = key or os.environ.get("TOLLWATCH_LLM_KEY") or os.environ.get("OPENAI_API_KEY")
        if not url:
            raise InputError("the llm backend needs an endpoint: --llm-url or TOLLWATCH_LLM_URL", field="llm-url")
        if not model:
            raise InputError("the llm backend needs a model: --llm-model or TOLLWATCH_LLM_MODEL", field="llm-model")
        if urlparse(url).scheme not in ("http", "https"):
            raise InputError(f"not an http(s) URL: {url!r}", field="llm-url")
        return cls(url.rstrip("/"), model, key, timeout or 120.0)

    @property
    def is_local(self) -> bool:
        return (urlparse(self.url).hostname or "") in ("127.0.0.1", "localhost", "::1")


SYSTEM_PROMPT = (
    "You extract evidence about North Korean forced labor from a report. Answer only JSON: "
    '{"claims": [{"subject": ENTITY, "predicate": P, "object": ENTITY or null, "value": string or null, '
    '"quantity": {"low": n, "high": n, "unit": s} or null, "quote": EXACT, "note": string or null}], '
    '"new_entities": [{"name": s, "kind": "facility|organization|place|product"}]}. '
    "ENTITY is the id of a known entity from the list, or a name from new_entities. "
    "P is one of: " + ", ".join(p.value for p in Predicate) + ". "
    "EXACT is a sentence copied character for character from the text that states the claim. "
    "Attribute products only to the facility the sentence names; statements about camps in general are not claims about a named camp."
)


def build_messages(text: str, gazetteer: Gazetteer) -> list[dict]:
    known = [
        {"id": e.id, "kind": e.kind.value, "names": e.all_names()[:8]}
        for e in gazetteer.entities
        if e.kind in _KINDS and e.dataset == "tollwatch"
    ][:MAX_GAZETTEER_IN_PROMPT]
    return [
        {"role": "system", "content": SYSTEM_PROMPT},
        {"role": "user", "content": "Known entities:\n" + json.dumps(known, ensure_ascii=False) + "\n\nText:\n" + text},
    ]


def call_endpoint(cfg: LLMConfig, messages: list[dict]) -> str:
    import httpx

    headers = {"Content-Type": "application/json"}
    if cfg.key:
        headers["Authorization"] = f"Bearer {cfg.key}"
    body = {"model": cfg.model, "messages": messages, "temperature": 0, "response_format": {"type": "json_object"}}
    try:
        resp = httpx.post(cfg.url + "/chat/completions", json=body, headers=headers, timeout=cfg.timeout)
    except httpx.HTTPError as exc:
        raise InputError(f"model endpoint unreachable: {type(exc).__name__}", field="llm-url") from None
    if resp.status_code != 200:
        raise InputError(f"model endpoint answered HTTP {resp.status_code}", field="llm-url")
    try:
        return resp.json()["choices"][0]["message"]["content"]
    except (ValueError, KeyError, IndexError, TypeError):
        raise InputError("model endpoint answered something that is not an OpenAI chat completion", field="llm-url") from None


def extract_with_model(text: str, source_id: str, gazetteer: Gazetteer, cfg: LLMConfig, *, sensitivity: str = "public") -> ExtractionResult:
    if sensitivity != "public" and not cfg.is_local:
        raise InputError(
            f"a {sensitivity} source is never sent to a remote model endpoint; use the rule backend or a local endpoint",
            field="backend",
        )
    content = call_endpoint(cfg, build_messages(text, gazetteer))
    return parse_model_answer(content, text, source_id, gazetteer)


def _json_block(content: str) -> dict:
    content = content.strip()
    fence = re.search(r"```(?:json)?\s*(.*?)```", content, re.S)
    if fence:
        content = fence.group(1)
    try:
        data = json.loads(content)
    except json.JSONDecodeError:
        start, end = content.find("{"), content.rfind("}")
        try:
            data = json.loads(content[start : end + 1]) if start >= 0 < end else None
        except json.JSONDecodeError:
            data = None
    if not isinstance(data, dict):
        raise InputError("the model's answer is not a JSON object", field="llm-answer")
    return data


def find_quote(text: str, quote: str) -> tuple[int, int] | None:
    """Where the quote is in the text: exactly, or with whitespace differences; never fuzzier."""
    if not quote or not quote.strip():
        return None
    quote = quote.strip()
    i = text.find(quote)
    if i >= 0:
        return i, i + len(quote)
    parts = [re.escape(p) for p in quote.split()]
    m = re.search(r"\s+".join(parts), text)
    return (m.start(), m.end()) if m else None


def parse_model_answer(content: str, text: str, source_id: str, gazetteer: Gazetteer) -> ExtractionResult:
    data = _json_block(content)
    result = ExtractionResult()
    lookup = _Lookup(gazetteer)
    new: dict[str, Entity] = {}
    for item in data.get("new_entities") or []:
        if not isinstance(item, dict) or not str(item.get("name") or "").strip():
            continue
        name = str(item["name"]).strip()
        if lookup.resolve(name):
            continue  # not new after all
        try:
            kind = EntityKind(str(item.get("kind") or "organization").lower())
        except ValueError:
            kind = EntityKind.ORGANIZATION
        eid = f"{'facility' if kind == EntityKind.FACILITY else kind.value[:3] if kind != EntityKind.ORGANIZATION else 'org'}-new-{slug(name)[:60]}"
        new[name.casefold()] = Entity(eid, kind, name, [Name.of(name)], attributes={"proposed_from": source_id}, is_new=True)
    used_new: dict[str, Entity] = {}
    seen: set[str] = set()
    for item in data.get("claims") or []:
        claim = _claim(item, text, source_id, lookup, new, used_new)
        if claim and claim.id not in seen:
            seen.add(claim.id)
            result.claims.append(claim)
    result.new_entities = list(used_new.values())
    return result


class _Lookup:
    def __init__(self, gazetteer: Gazetteer):
        self.gaz = gazetteer
        self.by_name: dict[str, set[str]] = {}
        for e in gazetteer.entities:
            for n in e.all_names():
                self.by_name.setdefault(name_intel.normalize(n), set()).add(e.id)

    def resolve(self, ref) -> str | None:
        if not isinstance(ref, str) or not ref.strip():
            return None
        if ref in self.gaz.ids:
            return ref
        ids = self.by_name.get(name_intel.normalize(ref), set())
        return next(iter(ids)) if len(ids) == 1 else None


def _claim(item, text, source_id, lookup: _Lookup, new: dict[str, Entity], used_new: dict[str, Entity]) -> Claim | None:
    if not isinstance(item, dict):
        return None
    span = find_quote(text, str(item.get("quote") or ""))
    if span is None:
        return None  # a quote that is not in the text is not evidence

    def ref(value) -> str | None:
        found = lookup.resolve(value)
        if found:
            return found
        if isinstance(value, str) and value.strip().casefold() in new:
            e = new[value.strip().casefold()]
            used_new[e.id] = e
            return e.id
        return None

    subject = ref(item.get("subject"))
    if not subject:
        return None
    try:
        predicate = Predicate(str(item.get("predicate") or "").strip().lower())
    except ValueError:
        return None
    obj = ref(item.get("object")) if item.get("object") else None
    value = item.get("value")
    value = str(value).strip() if value not in (None, "") else None
    qty = None
    q = item.get("quantity")
    if isinstance(q, dict) and q.get("unit"):
        try:
            qty = Quantity(_num(q.get("low")), _num(q.get("high")), str(q["unit"]))
        except (ModelError, TypeError, ValueError):
            qty = None
    period = None
    p = item.get("period")
    if isinstance(p, dict):
        try:
            period = Period(parse_date(p.get("start")), parse_date(p.get("end")))
        except ModelError:
            period = None
    if obj is None and value is None and qty is None:
        return None
    if obj is not None:
        value = None
    confidence = item.get("confidence", 0.5)
    confidence = float(confidence) if isinstance(confidence, int | float) and 0 <= confidence <= 1 else 0.5
    try:
        claim = Claim(
            id="",
            subject_id=subject,
            predicate=predicate,
            object_id=obj,
            value=value if obj is None and (value is not None or qty is None) else None,
            quantity=qty,
            period=period,
            evidence=Evidence(source_id, text[span[0] : span[1]], span, Method.MODEL, confidence),
            note=str(item["note"])[:500] if item.get("note") else None,
        )
        claim.evidence.check_against(text)
    except ModelError:
        return None
    return claim


def _num(v):
    return None if v is None else float(v)
