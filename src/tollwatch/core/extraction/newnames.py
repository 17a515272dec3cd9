"""Names that look like a facility or a company the graph does not know: proposed as new
entities, each mention noting that it is new."""

from __future__ import annotations

import re

from tollwatch.core.extraction.context import Doc, Sentence, id_fragment
from tollwatch.core.extraction.mentions import Mention
from tollwatch.core.extraction.tokens import GENERIC, split_hangul, token_keys
from tollwatch.core.model import Entity, EntityKind, FacilityType, Name


def _facility_type(doc: Doc, kind_word: str) -> FacilityType:
    rx = doc.lex.rx
    if rx["kwalliso_word"].search(kind_word):
        return FacilityType.KWALLISO
    if rx["kyohwaso_word"].search(kind_word):
        return FacilityType.KYOHWASO
    if rx["danryondae_word"].search(kind_word):
        return FacilityType.RODONG_DANRYONDAE
    return FacilityType.OTHER


def _facility_place(doc: Doc, sent: Sentence, m: re.Match[str]) -> tuple[str, str, int] | None:
    """(place, kind word, where the place starts) of a facility-like match, or None when the
    words before the kind word say what kind of place it is, not which one."""
    s = sent.start + m.start()
    words_ = doc.lex.words
    if m.group(3):
        place = m.group(3)
        if split_hangul(place, 0)[0].text != place or place in words_["ko_not_places"] or doc.lex.rx["ko_not_name"].search(place):
            return None  # "15일까지 교화소", "여성 교화소", "따르면 교화소": not a place name
        return place, m.group(4), s
    words = [w for w in m.group(1).split() if w.casefold() not in words_["stop_caps"]]
    if not words or all(w.casefold().strip("'’s") in words_["not_place_words"] or token_keys(w) & GENERIC for w in words):
        return None  # "Forced Labor Camp", "Women's Prison": a kind of place, not a name
    return " ".join(words), m.group(2), s + m.group(1).find(words[0])


def new_firm(doc: Doc, s: int, e: int, name: str, note: str | None, conf: float) -> Mention:
    """A mention of a firm the text names but nothing known matches, proposed once per report under that name."""
    eid = "org-new-" + id_fragment(name)
    if eid not in doc.new_entities:
        doc.new_entities[eid] = Entity(id=eid, kind=EntityKind.ORGANIZATION, caption=name, names=[Name.of(name)],
                                       attributes={"proposed_from": doc.source_id, "roles": ["other"]}, is_new=True)
    return Mention(s, e, (eid,), EntityKind.ORGANIZATION, False, eid, note, conf)


def new_facilities(doc: Doc, sent: Sentence, chosen: list[Mention]) -> list[Mention]:
    out = []
    conf = doc.lex.conf("mention", "new_facility")
    for m in doc.lex.rx["new_facility"].finditer(sent.text):
        e = sent.start + m.end()
        found = _facility_place(doc, sent, m)
        if found is None:
            continue
        place, kind_word, place_start = found
        if any(c.start < e and c.end > place_start for c in chosen):
            continue  # a known facility (or part of one)
        caption = f"{place} {kind_word}"
        eid = "facility-new-" + id_fragment(caption)
        if eid not in doc.new_entities:
            doc.new_entities[eid] = Entity(
                id=eid, kind=EntityKind.FACILITY, caption=caption, names=[Name.of(doc.text[place_start:e])],
                attributes={"facility_type": _facility_type(doc, kind_word).value, "proposed_from": doc.source_id, "country": "kp"},
                is_new=True,
            )
        out.append(Mention(place_start, e, (eid,), EntityKind.FACILITY, False, eid, "a facility the graph does not know yet", conf))
    return out


def new_companies(doc: Doc, sent: Sentence, chosen: list[Mention]) -> list[Mention]:
    out = []
    conf = doc.lex.conf("mention", "new_company")
    stop = doc.lex.words["stop_caps"]
    for m in doc.lex.rx["new_company"].finditer(sent.text):
        g = 1 if m.group(1) else 2
        words = m.group(g).strip().split()
        while words and (words[0].casefold() in stop or words[0].endswith(("'s", "’s"))):
            words.pop(0)  # "the", and a possessor: "North Korea's Ryugyong Mokdan Trading Company"
        if len(words) < 2 and g == 1:
            continue
        name = " ".join(words)
        if g == 2 and doc.lex.rx["ko_company_suffix"].sub("", name) in doc.lex.words["ko_generic_company_heads"]:
            continue  # "가공공장", "가공무역": a kind of work, not a firm
        s = sent.start + m.start(g) + m.group(g).find(words[0] if g == 1 else name)
        e = s + len(name)
        if doc.text[s:e] != name:
            continue
        if any(c.start < e and c.end > s and c.kind in (EntityKind.ORGANIZATION, EntityKind.FACILITY) for c in chosen):
            continue
        out.append(new_firm(doc, s, e, name, None, conf))
    return out


def unnamed_plants(doc: Doc, sent: Sentence, taken: list[Mention]) -> list[Mention]:
    """ "다롄시의 한 수산물 공장": a plant the text does not name, proposed under the words it uses,
    only where the sentence places it in a city or says it employs North Korean workers ("북한 노동자를
    고용한 의류 공장"); a bare "공장" says nothing about which one."""
    out: list[Mention] = []
    conf = doc.lex.conf("mention", "unnamed_plant")
    matches = [m for p in ("unnamed_plant_ko", "unnamed_plant_ko_employer", "unnamed_plant_ko_sited") for m in doc.lex.rx[p].finditer(sent.text)]
    for m in matches:  # the employer pattern ("북한 노동자를 고용한 의류 공장") has an empty place group
        s, e = sent.start + m.start(2), sent.start + m.end(2)
        phrase = m.group(2)
        if any(t.start < e and s < t.end for t in taken + out) or phrase.split()[0] in doc.lex.words["ko_plant_not_head"]:
            continue
        place = doc.lex.place_en.get(m.group(1), m.group(1))
        eid = "org-new-" + id_fragment(f"{doc.source_id} {phrase} {place}")
        if eid not in doc.new_entities:
            doc.new_entities[eid] = Entity(id=eid, kind=EntityKind.ORGANIZATION, caption=f"{phrase} ({place})" if place else phrase, names=[Name.of(phrase)],
                                           attributes={"proposed_from": doc.source_id, "roles": ["other"], "unnamed": True}, is_new=True)
        out.append(Mention(s, e, (eid,), EntityKind.ORGANIZATION, False, eid, "a plant the text does not name", conf))
    return out


def quoted_companies(doc: Doc, sent: Sentence, taken: list[Mention]) -> list[Mention]:
    """ "'우태', '화정', '성원' 같은 회사들": names in quotes that the words after call companies."""
    out: list[Mention] = []
    conf = doc.lex.conf("mention", "quoted_company")
    for m in doc.lex.rx["quoted_company_list"].finditer(sent.text):
        g = next(i for i in (1, 2, 3) if m.group(i))
        for q in doc.lex.rx["quoted_name"].finditer(m.group(g)):
            name = q.group(1).strip()
            s = sent.start + m.start(g) + q.start(1)
            e = s + len(q.group(1))
            if not name or any(t.start < e and s < t.end for t in taken + out):
                continue
            out.append(new_firm(doc, s, e, name, "a company named only in quotes", conf))
    return out


def proper_noun_firms(doc: Doc, sent: Sentence, taken: list[Mention]) -> list[Mention]:
    """ "훈춘운달복장", "…무역공사", "…공장": with a Korean analyzer, a word whose core (particles and
    endings stripped) starts with a proper noun and ends in a firm or plant head. The analyzer tells a
    name (운달, 대성: NNP) from a kind of work (여성복장, 가공공장: common nouns), so no legal form is needed."""
    out: list[Mention] = []
    if doc.ko is None:
        return out
    conf = doc.lex.conf("mention", "proper_noun_firm")
    heads, generic = doc.lex.lists["ko_firm_heads"], doc.lex.words["ko_generic_company_heads"]
    for w in doc.lex.rx["hangul_word"].finditer(sent.text):
        s = sent.start + w.start()
        end = doc.ko.core_end(s, sent.start + w.end())
        core = doc.text[s:end] if end else ""
        head = next((h for h in heads if core.endswith(h) and len(core) >= len(h) + 2), None)
        morphs = doc.ko.within(s, end or s)
        if head is None or not morphs or morphs[0].tag != "NNP" or core[: -len(head)] in generic:
            continue
        if end is None or any(t.start < end and s < t.end for t in taken + out):
            continue
        out.append(new_firm(doc, s, end, core, None, conf))
    return out
