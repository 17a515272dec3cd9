"""Propose claims from text, each pointing at the exact passage it rests on.

Contract: extract(text, source_id, gazetteer) -> ExtractionResult with claims whose evidence
quote equals text[span] and whose evidence names the rule that proposed it. Deterministic,
rule-based, no I/O beyond reading the package's language data.

The package is a pipeline (pipeline.py) over one document context (context.py): tokens and
mentions of known entities (tokens.py, mentions.py), one entity per shared name (resolve.py),
new facility and company names (newnames.py), each sentence's focus (focus.py), then the
claim rules registered by name in rules/. Cue words, patterns, word lists and tables are data
(core/data/extraction/lexicon.yaml, core/data/places.tsv, core/data/legal_forms.tsv); every
confidence is in core/data/extraction/rules.tsv. docs/extraction.md says how to add either.
"""

from tollwatch.core.extraction.lexicon import LexiconEntry, check_entry, lexicon
from tollwatch.core.extraction.mentions import Mention, select_longest
from tollwatch.core.extraction.pipeline import ExtractionResult, Gazetteer, extract, ordered_rules
from tollwatch.core.extraction.tokens import Token, token_keys, tokenize
from tollwatch.core.sentences import sentences

__all__ = ["ExtractionResult", "Gazetteer", "LexiconEntry", "Mention", "Token", "check_entry", "extract", "lexicon",
           "ordered_rules", "select_longest", "sentences", "token_keys", "tokenize"]
