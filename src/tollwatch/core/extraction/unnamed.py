"""Subjects the text does not name, and company names only quotes delimit: proposed as new
entities under the words the text uses, following extraction_dev's conventions for unnamed
subjects ("factories in Hunchun", "훈춘시에 … 북한 노동자들이 고용됐고", "North Korean prisons")."""

from __future__ import annotations

from tollwatch.core.extraction.context import Doc, Sentence, id_fragment
from tollwatch.core.extraction.mentions import Mention
from tollwatch.core.extraction.newnames import new_firm
from tollwatch.core.model import Entity, EntityKind, Name


def _overlaps(s: int, e: int, taken: list[Mention]) -> bool:
    return any(t.start < e and s < t.end for t in taken)


def _unnamed(doc: Doc, s: int, e: int, phrase: str, caption: str, note: str, conf: float) -> Mention:
    """A mention of an organization the text does not name: an id of its own per report."""
    eid = "org-new-" + id_fragment(f"{doc.source_id} {caption}")
    if eid not in doc.new_entities:
        doc.new_entities[eid] = Entity(id=eid, kind=EntityKind.ORGANIZATION, caption=caption, names=[Name.of(phrase)],
                                       attributes={"proposed_from": doc.source_id, "roles": ["other"], "unnamed": True}, is_new=True)
    return Mention(s, e, (eid,), EntityKind.ORGANIZATION, False, eid, note, conf)


def named_firm(doc: Doc, s: int, e: int, name: str, conf: float) -> Mention:
    """A firm the text names without a legal form ("연태대신" in a list of firms)."""
    return new_firm(doc, s, e, name, "a firm the sentence lists", conf)


def quoted_names(doc: Doc, sent: Sentence, taken: list[Mention]) -> list[Mention]:
    """ "‘메이다오 복장유한공사’": the whole quote is the name, not its last word."""
    out: list[Mention] = []
    conf = doc.lex.conf("mention", "quoted_name")
    for m in doc.lex.rx["quoted_company_name"].finditer(sent.text):
        g = 1 if m.group(1) else 2
        s, e = sent.start + m.start(g), sent.start + m.end(g)
        name = m.group(g).strip()
        # a place inside the quote (‘화성 …공사’, ‘단동…공사’) is part of the name, not a mention of its own
        blocking = [t for t in taken if not ((t.anchor or t.kind == EntityKind.PLACE) and s <= t.start and t.end <= e)]
        if name and not _overlaps(s, e, blocking + out):
            out.append(new_firm(doc, s, e, name, "a company named in quotes", conf))
    return out


def unnamed_plants_en(doc: Doc, sent: Sentence, taken: list[Mention]) -> list[Mention]:
    """ "factories in Hunchun", "Chinese seafood processing plants", "A clothing company": a plant the
    text does not name; never the apposition of a named firm ("X, a seafood company in Dandong")."""
    out: list[Mention] = []
    conf = doc.lex.conf("mention", "unnamed_plant")
    for pattern in ("unnamed_plant_en_city", "unnamed_plant_en_group", "unnamed_plant_en_one"):
        for m in doc.lex.rx[pattern].finditer(sent.text):
            s, e = sent.start + m.start(1), sent.start + m.end(1)
            if _overlaps(s, e, taken + out) or doc.lex.rx["apposition_before"].search(doc.text, sent.start, sent.start + m.start()):
                continue
            phrase = m.group(1)
            place = m.group(2) if m.lastindex and m.lastindex >= 2 else None
            caption = f"{phrase} ({place})" if place else phrase
            out.append(_unnamed(doc, s, e, phrase, caption, "a plant the text does not name", conf))
    return out


def city_employers(doc: Doc, sent: Sentence, taken: list[Mention]) -> list[Mention]:
    """ "훈춘시에 약 3000명의 북한 노동자들이 고용됐고": where a sentence counts North Korean workers in a
    city and names no employer, the city stands for the employers there, as an unnamed subject."""
    lex = doc.lex
    if any(t.kind == EntityKind.ORGANIZATION for t in taken) or not lex.rx["nk_workforce"].search(sent.text):
        return []
    if not lex.rx["employ_verb"].search(sent.text) or not lex.rx["workforce_count"].search(sent.text):
        return []
    out: list[Mention] = []
    conf = lex.conf("mention", "city_employer")
    for m in lex.rx["city_employer_ko"].finditer(sent.text):
        s, e = sent.start + m.start(1), sent.start + m.end(1)
        if _overlaps(s, e, [t for t in taken if t.kind != EntityKind.PLACE] + out):
            continue
        place = lex.place_en.get(m.group(1), m.group(1))
        out.append(_unnamed(doc, s, e, f"{m.group(1)}의 고용처", f"employers of North Korean workers in {place}",
                            "the city stands for the employers the text does not name", conf))
    return out


def unnamed_prisons(doc: Doc, sent: Sentence, taken: list[Mention]) -> list[Mention]:
    """ "false eyelashes are assembled in workshops in various North Korean prisons", "각 교화소 생산과에서":
    prisons the text does not name, making goods, as one unnamed subject (never a facility: the text names none)."""
    if not doc.lex.cue["produce"].search(sent.text) or not any(t.kind == EntityKind.PRODUCT for t in taken):
        return []  # only prisons said to make catalogue goods become a subject
    out: list[Mention] = []
    conf = doc.lex.conf("mention", "unnamed_prisons")
    for m in doc.lex.rx["unnamed_prisons"].finditer(sent.text):
        g = next(i for i in (1, 2, 3) if m.group(i))
        s, e = sent.start + m.start(g), sent.start + m.end(g)
        if not _overlaps(s, e, taken + out):
            phrase = m.group(g)
            out.append(_unnamed(doc, s, e, phrase, f"{phrase} (North Korea, unnamed)", "prisons the text does not name", conf))
    return out
