"""What each sentence is about: named facilities and companies (known or new), and the ones a
sentence refers back to ("this camp", "the company", the report's only camp)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tollwatch.core.extraction.clauses import input_mentions
from tollwatch.core.extraction.context import Doc, Focus, Sentence, first_unnested
from tollwatch.core.extraction.mentions import Mention
from tollwatch.core.extraction.newnames import new_companies, new_facilities, proper_noun_firms, quoted_companies, unnamed_plants
from tollwatch.core.extraction.unnamed import city_employers, quoted_names, unnamed_plants_en, unnamed_prisons
from tollwatch.core.model import EntityKind


@dataclass
class FocusState:
    """What earlier sentences leave for later ones."""

    previous_facilities: list[Mention] = field(default_factory=list)
    last_facilities: list[Mention] = field(default_factory=list)  # of the last sentence naming or referring to any
    previous_companies: list[Mention] = field(default_factory=list)
    short_names: dict[str, str] = field(default_factory=dict)  # "Ryongsong" → the company first named in full
    named_so_far: dict[str, Mention] = field(default_factory=dict)  # facilities named (not referred to) so far
    previous_end: int = 0


def referred(doc: Doc, ref: Mention, why: str, start: int, end: int, ceiling: float, *,
             kind: EntityKind = EntityKind.FACILITY, anchor: bool = False) -> Mention:
    """A mention standing for an entity named elsewhere, weaker than the original, with a note
    saying why ({name} is filled in) followed by the original's own note."""
    note = why.replace("{name}", doc.caption(ref.resolved_id))  # not format(): quotes may hold braces
    if ref.note:
        note += "; " + ref.note
    return Mention(start, end, (ref.resolved_id,), kind, anchor, ref.resolved_id, note, min(ref.confidence, ceiling))


def coreference(doc: Doc, sent: Sentence, previous: list[Mention]) -> list[Mention]:
    """ "This camp" right after a sentence naming exactly one facility means that facility."""
    if len({m.entity_id for m in previous}) != 1 or doc.lex.cue["general"].search(sent.text):
        return []
    m = doc.lex.rx["coref"].search(sent.text)
    if not m:
        return []
    why = f"the sentence says '{m.group(0)}', taken to be {{name}} named in the sentence before"
    return [referred(doc, previous[0], why, sent.start + m.start(), sent.start + m.end(), doc.lex.conf("mention", "coreference"), anchor=True)]


def topic(doc: Doc, sent: Sentence, named_so_far: dict[str, Mention]) -> list[Mention]:
    """A report that has named only one camp so far is still about it when a sentence names none:
    its work teams, routes, inspections and inputs go to that camp, at low confidence, with a note.
    Products never do (they need the camp in the sentence), nor does anything said in general."""
    if len(named_so_far) != 1 or doc.lex.cue["general"].search(sent.text):
        return []
    why = "the sentence names no camp; the report has named only {name} so far"
    return [referred(doc, next(iter(named_so_far.values())), why, sent.start, sent.start, doc.lex.conf("mention", "topic"))]


def first_person(doc: Doc, sent: Sentence, about: list[Mention]) -> list[Mention]:
    """ "We made wigs from hair..." in a testimony about the one camp the report names: the
    witness speaks of that camp. Nothing else puts products at a camp the sentence does not name."""
    return about if about and doc.lex.rx["first_person"].search(sent.text) else []


def implicit_receiver(doc: Doc, sent: Sentence, previous: list[Mention], products: list[Mention]) -> list[Mention]:
    """ "Materials arrive by truck every month." right after a sentence naming exactly one camp:
    the inputs go to that camp, at lower confidence; nothing else carries over this way."""
    lex = doc.lex
    if len({m.entity_id for m in previous}) != 1 or lex.cue["general"].search(sent.text) or not doc.says("receive", sent):
        return []
    if not input_mentions(doc, sent, products):
        return []
    why = "the sentence names no camp; taken to be {name} named in the sentence before"
    return [referred(doc, previous[0], why, sent.start, sent.start, lex.conf("mention", "implicit_receiver"))]


def learn_short_name(doc: Doc, full: str, entity_id: str, short_names: dict[str, str]) -> None:
    """News names a company in full once, then by its distinctive word: "Ryongsong", "Huayang".
    A word two companies share is dropped: it no longer says which one is meant."""
    not_short = doc.lex.words["not_short"]
    words = doc.lex.rx["capitalised_word"].findall(full)
    if len(words) >= 3 and all(len(w) < 4 and w.casefold() not in not_short for w in words[:2]):
        # "Mei Dao Garment Company": two short syllables of a Chinese name are its short name together
        key = f"{words[0]} {words[1]}"
        short_names[key] = "" if short_names.get(key, entity_id) != entity_id else entity_id
        return
    for i, w in enumerate(words[:3]):
        if w.casefold() in not_short or len(w) < 4:
            continue
        if not (i == 0 or words[i - 1].casefold() in not_short):
            break
        short_names[w] = "" if short_names.get(w, entity_id) != entity_id else entity_id  # "": ambiguous
        break


def short_names(doc: Doc, sent: Sentence, taken: list[Mention], known: dict[str, str]) -> list[Mention]:
    found: list[Mention] = []
    template = doc.lex.rx["short_name"].pattern
    conf = doc.lex.conf("mention", "short_name")
    for key, eid in known.items():
        if not eid:
            continue
        for m in re.compile(template.replace("{key}", re.escape(key))).finditer(sent.text):
            s, e = sent.start + m.start(), sent.start + m.start() + len(key)
            if any(t.start < e and s < t.end for t in taken + found):
                continue
            found.append(Mention(s, e, (eid,), EntityKind.ORGANIZATION, False, eid, f"'{key}' short for the company named before", conf))
    return found


def company_coreference(doc: Doc, sent: Sentence, previous: list[Mention]) -> list[Mention]:
    """ "The trading company" right after a sentence naming exactly one company means that company."""
    m = doc.lex.rx["company_coref"].search(sent.text)
    if len({p.entity_id for p in previous}) != 1 or not m:
        return []
    why = f"the sentence says '{m.group(0)}', taken to be {{name}} named in the sentence before"
    return [referred(doc, previous[0], why, sent.start + m.start(), sent.start + m.end(), doc.lex.conf("mention", "company_coreference"),
                     kind=EntityKind.ORGANIZATION, anchor=True)]


def _called_a_camp(doc: Doc, f: Mention) -> bool:
    """Does the text call that place's camp a camp anywhere: a full name, or a camp word next to the name?"""
    camp_word = doc.lex.rx["camp_word"]
    for m in doc.raw:
        if f.entity_id in m.candidates and m.kind == EntityKind.FACILITY:
            if not m.anchor or camp_word.search(doc.text, max(0, m.start - 30), min(len(doc.text), m.end + 30)):
                return True
    return False


def _facilities(doc: Doc, sent: Sentence) -> list[Mention]:
    """Facilities the sentence names, known or new, but not a city named as a border crossing."""
    known = [m for m in sent.mentions if m.kind == EntityKind.FACILITY and m.entity_id]
    facilities = sorted(known + new_facilities(doc, sent, sent.mentions), key=lambda m: m.start)
    # "carried over the border at Hoeryong": a crossing point, not the Hoeryong camp
    crossings = [(sent.start + r.start(r.lastindex or 0), sent.start + r.end(r.lastindex or 0))
                 for r in doc.lex.rx["border_route"].finditer(sent.text)]
    facilities = [f for f in facilities if not any(a <= f.start and f.end <= b for a, b in crossings)]
    if not doc.lex.rx["camp_word"].search(sent.text):
        # "회령의 한 소식통", "a source in Hoeryong": a city named alone is the city, not its camp, unless
        # the text names that camp in full somewhere ("Yodok political prison camp" … "At Yodok, …")
        facilities = [f for f in facilities if not (f.anchor and doc.text[f.start : f.end] in doc.lex.city_names and not _called_a_camp(doc, f))]
    return facilities


def focus(doc: Doc, state: FocusState, sent: Sentence) -> Focus:
    """The sentence's focus, updating what later sentences may refer back to."""
    orgs = [m for m in sent.mentions if m.kind == EntityKind.ORGANIZATION and m.entity_id]
    products = [m for m in sent.mentions if m.kind == EntityKind.PRODUCT and m.entity_id]
    facilities = _facilities(doc, sent)
    for f in facilities:
        state.named_so_far.setdefault(f.resolved_id, f)
    implicit: list[Mention] = []
    if not facilities:
        # "The camp" opening a paragraph still means the camp just named: news runs a
        # sentence or two per paragraph. Only the unspoken subject stays within one.
        facilities = coreference(doc, sent, state.last_facilities)
        if not facilities and "\n\n" not in doc.text[state.previous_end : sent.start]:
            implicit = implicit_receiver(doc, sent, state.previous_facilities, products)
    about = [] if facilities or implicit else topic(doc, sent, state.named_so_far)
    state.previous_facilities = facilities
    state.last_facilities = facilities or state.last_facilities
    new_orgs = quoted_names(doc, sent, sent.mentions)
    new_orgs += new_companies(doc, sent, sent.mentions + new_orgs)
    new_orgs += short_names(doc, sent, sent.mentions + new_orgs, state.short_names)
    new_orgs += unnamed_plants(doc, sent, sent.mentions + new_orgs)
    new_orgs += unnamed_plants_en(doc, sent, sent.mentions + new_orgs)
    new_orgs += quoted_companies(doc, sent, sent.mentions + new_orgs)
    new_orgs += proper_noun_firms(doc, sent, sent.mentions + new_orgs)
    new_orgs += city_employers(doc, sent, sent.mentions + new_orgs)
    companies = sorted((o for o in orgs + new_orgs if not doc.is_state_body(o.entity_id)), key=lambda m: m.start)
    for c in companies:
        learn_short_name(doc, doc.text[c.start : c.end], c.resolved_id, state.short_names)
    # "Dandong Meilong Hair Products Co.": the hair in a company's name is not a product
    products = [p for p in products if not any(c.start <= p.start and p.end <= c.end for c in new_orgs)]
    referring = company_coreference(doc, sent, state.previous_companies)
    if referring and (not companies or referring[0].end <= companies[0].start):
        # "The Chinese business began collaborating with X": the phrase before the names is the subject
        companies = referring + companies
    state.previous_companies, state.previous_end = companies, sent.end
    general = first_unnested([o for o in orgs if doc.is_state_body(o.entity_id)], doc.parents) or doc.lead_body
    return Focus(sent, facilities, orgs, products, new_orgs, companies, about, implicit,
                 facilities or first_person(doc, sent, implicit or about), general,
                 unnamed_prisons(doc, sent, sent.mentions + new_orgs))
