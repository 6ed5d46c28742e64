"""Legal force and the committing actors, read from the dependency parse.

For each sentence the governing verb (the root and its coordinated verbs) is found; its modal
auxiliary ("shall", "will", "may") and the verbs of its chain of complements ("intend to",
"commit to", "seek to") give the force; its subject gives the actors. Negation keeps the force.
Without a parse (spacy.blank) the same lexicon is applied to the words in order.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from extract.countries import GROUPS, countries_in
from extract.gazetteer import find_institutions, institution_countries
from extract.models import MODALITIES
from extract.resources import modality_lexicon, recital_opener, verb_forces

if TYPE_CHECKING:
    from collections.abc import Iterable

    from spacy.tokens import Doc, Span, Token

_RANK = {m: len(MODALITIES) - i for i, m in enumerate(MODALITIES)}  # binding=5 ... recital=1
_WEAK = {"intent", "aspiration"}


@dataclass(frozen=True)
class SentenceForce:
    start: int  # character offsets of the sentence inside the doc
    end: int
    force: str | None  # None when the sentence states nothing (a fragment, a copula about the text)
    cue: tuple[int, int] | None  # character span of the governing verb group
    subject: str  # text of the subject of the governing verb ("" when none)
    actor: bool = True  # the subject's head names someone who acts (see _actor_subject); True without a parse


def strongest(forces: Iterable[str | None]) -> str | None:
    known = [f for f in forces if f]
    return max(known, key=_RANK.__getitem__) if known else None


def weakest(forces: Iterable[str | None]) -> str | None:
    known = [f for f in forces if f]
    return min(known, key=_RANK.__getitem__) if known else None


def is_recital_text(text: str) -> bool:
    return bool(recital_opener().match(text))


def sentence_forces(doc: Doc) -> list[SentenceForce]:
    """The force of every sentence of a clause doc (parsed or not)."""
    if doc.has_annotation("DEP"):
        return [_parsed_force(sent) for sent in doc.sents]
    return [_lexical_force(doc[:])] if len(doc) else []


def _parsed_force(sent: Span) -> SentenceForce:
    lex = modality_lexicon()
    root = sent.root
    reporting = set(lex["reporting_verbs"])
    if _reported(root, reporting) or re.search(r"\baccording\s+to\b", sent.text, re.IGNORECASE):
        said = next((c for c in root.children if c.dep_ == "ccomp"), root)  # who the report is about
        return SentenceForce(sent.start_char, sent.end_char, "recital", _tok_span(root), _subject(said),
                             _actor_subject(said))
    heads = [root]
    if root.pos_ not in {"VERB", "AUX"} or not _has_subject(root):
        # "Scrap: The Participants commit to ..." parses the lead-in label as the root.
        heads += [c for c in root.children if c.pos_ in {"VERB", "AUX"} and _has_subject(c) and
                  c.dep_ in {"relcl", "acl", "appos", "dep", "ccomp", "parataxis"}]
    best = _best([p for h in heads for p in _with_conjuncts(h)])
    if best[0] is None:
        # The small parser sometimes hangs the main verb deep in the tree ("For each project in
        # which ..., DFC shall have ..."): fall back to any verb that carries a modal or a cue verb.
        modals, verbs = modality_lexicon()["modals"], verb_forces()
        # Not a clause that completes a noun, though ("challenged the assumption that workers must ..."):
        # its modal belongs to what the sentence talks about.
        subordinate = {"advcl", "relcl", "acl", "pcomp", "pobj", "csubj"}  # "... when they seek stakes"
        best = _best([t for t in sent if t.pos_ in {"VERB", "AUX"} and not _completes_noun(t) and (
            any(c.dep_ in {"aux", "auxpass"} and c.lower_ in modals for c in t.children)
            or (t.dep_ not in subordinate and (t.lemma_.lower() in verbs or _has_subject(t))))])
    if best[0] is None and _headline_infinitive(root):
        best = ("commitment", root)  # "Japan to invest $550 billion": a headline's "will"
    pred = best[1] or root
    return SentenceForce(sent.start_char, sent.end_char, best[0], _tok_span(pred), _subject(pred), _actor_subject(pred))


def _headline_infinitive(root: Token) -> bool:
    return root.pos_ == "VERB" and _has_subject(root) and any(c.dep_ == "aux" and c.tag_ == "TO" for c in root.children)



def _completes_noun(verb: Token) -> bool:
    return verb.dep_ in {"acl", "relcl", "ccomp"} and verb.head.pos_ in {"NOUN", "PROPN", "PRON"}


def _best(predicates: list[Token]) -> tuple[str | None, Token | None]:
    best: tuple[str | None, Token | None] = (None, None)
    for pred in predicates:
        force = _predicate_force(pred)
        if force and (best[0] is None or _RANK[force] > _RANK[best[0]]):
            best = (force, pred)
    return best


def _with_conjuncts(head: Token) -> list[Token]:
    """A verb and the coordinated verbs that have their own subject or auxiliary; a bare conjunct
    ("intend to diversify, and bring back onshore") shares the first verb's force."""
    out = [head]
    for c in head.children:
        if c.dep_ == "conj" and c.pos_ in {"VERB", "AUX"} and (
                _has_subject(c) or any(g.dep_ in {"aux", "auxpass"} for g in c.children)):
            out += _with_conjuncts(c)
    return out


def _has_subject(tok: Token) -> bool:
    return any(c.dep_ in {"nsubj", "nsubjpass", "csubj", "expl"} for c in tok.children)


def _reported(root: Token, reporting: set[str]) -> bool:
    if root.lemma_.lower() in reporting and any(c.dep_ in {"ccomp", "parataxis"} for c in root.children):
        return not any(c.dep_ == "aux" and c.lower_ in modality_lexicon()["modals"] for c in root.children)
    return any(c.dep_ == "parataxis" and c.lemma_.lower() in reporting for c in root.children)


def _predicate_force(pred: Token) -> str | None:
    lex = modality_lexicon()
    modals: dict[str, str] = lex["modals"]
    verbs = verb_forces()
    aux = [c for c in pred.children if c.dep_ in {"aux", "auxpass"}]
    modal = next((modals[a.lower_] for a in aux if a.lower_ in modals), None)
    if pred.lemma_.lower() in lex["perfect_decisions"] and any(a.lemma_ == "have" for a in aux):
        return "commitment"  # "have decided to convene" reads as a settled decision
    if pred.lemma_.lower() in lex["definition_verbs"] and modal is None and pred.tag_ == "VBZ":
        return "recital"  # "'Fund' means ...": a definition commits to nothing
    if pred.lemma_ == "be" and modal is None and _subject_head(pred) in lex["purpose_nouns"]:
        return "intent"  # "The purpose of this MOU is to ..."
    chain = _chain(pred)
    chain_forces = [verbs.get(t.lemma_.lower()) for t in chain]
    if modal is None and pred.lemma_.lower() == "work" and any(c.lower_ in {"toward", "towards"}
                                                               for c in pred.children):
        chain_forces.append("aspiration")  # bare "work towards"; "will work toward" stays a commitment
    weak = [f for f in chain_forces if f in _WEAK]
    if weak:
        return weakest(weak + ([modal] if modal in _WEAK else []))
    strong = [f for f in chain_forces if f and f not in _WEAK]
    if modal or strong:
        return strongest([modal, *strong])
    if pred.lemma_.lower() in lex["statement_verbs"]:
        return None  # "We welcome ...": an acknowledgement, not an action
    if pred.pos_ in {"VERB", "AUX"} and _present(pred, aux) and _party_subject(pred):
        return str(lex["present_action"])  # "The Participants are taking measures ..."
    return None


def _chain(pred: Token) -> list[Token]:
    """The verb and its complements: 'intend' -> 'to work' -> 'to develop'."""
    out, frontier = [pred], [pred]
    for _ in range(3):
        frontier = [c for t in frontier for c in t.children if c.dep_ in {"xcomp"} and c.pos_ in {"VERB", "AUX"}]
        out += frontier
    return out


def _present(pred: Token, aux: list[Token]) -> bool:
    if pred.tag_ in {"VBP", "VBZ"}:
        return pred.lemma_ not in {"be", "have"}  # a copula describes; it commits to nothing
    if pred.tag_ == "VBG":
        return any(a.tag_ in {"VBP", "VBZ"} for a in aux)
    if pred.tag_ == "VBN":
        return any(a.lemma_ == "have" and a.tag_ in {"VBP", "VBZ"} for a in aux)
    return False


def _party_subject(pred: Token) -> bool:
    """Is the subject's head a party ("the Participants", "each country", "we", "Malaysia")?"""
    head = next((c for c in pred.children if c.dep_ in {"nsubj", "nsubjpass"}), None)
    if head is None:
        return False
    name = " ".join(t.text for t in head.subtree if t.dep_ == "compound" or t is head)
    if head.lower_ in set(modality_lexicon()["party_words"]) or _countries(name):
        return True
    # The parties' own bodies act for them: "our export credit agencies are mobilising", "EXIM is providing".
    whole = head.doc[head.left_edge.i: head.right_edge.i + 1]
    return any(t.dep_ == "poss" and t.lower_ == "our" for t in head.children) or bool(find_institutions(whole.text))


def _subject_head(pred: Token) -> str:
    head = next((c for c in pred.children if c.dep_ in {"nsubj", "nsubjpass"}), None)
    return head.lower_ if head is not None else ""


def _subject(pred: Token) -> str:
    for child in pred.children:
        if child.dep_ in {"nsubj", "nsubjpass", "csubj"}:
            return child.doc[child.left_edge.i: child.right_edge.i + 1].text
    if pred.dep_ in {"xcomp", "conj"} and pred.head is not pred:
        return _subject(pred.head)
    return ""


def _tok_span(tok: Token) -> tuple[int, int]:
    return tok.idx, tok.idx + len(tok.text)


@lru_cache(maxsize=1)
def _lexical_patterns() -> list[tuple[re.Pattern[str], str]]:
    lex = modality_lexicon()
    out = [(re.compile(rf"\b{re.escape(word)}\b", re.IGNORECASE), force)
           for word, force in lex["modals"].items() if word.isalpha() and len(word) > 2]
    for force, lemmas in lex["verbs"].items():
        for lemma in lemmas:
            stem = lemma.replace("_", r"\s+").rstrip("e")
            out.append((re.compile(rf"\b{stem}(?:e|es|ed|s|ing|d)?\s+(?:to|on|towards?)\b", re.IGNORECASE), force))
    return out


def _lexical_force(span: Span) -> SentenceForce:
    """No parse: the cue words in order; a weak verb after a modal weakens it, as in the parsed path."""
    hits = sorted((m.start(), m.end(), force) for pattern, force in _lexical_patterns()
                  for m in pattern.finditer(span.text))
    if not hits:
        return SentenceForce(span.start_char, span.end_char, None, None, "")
    forces = [h[2] for h in hits]
    weak = [f for f in forces if f in _WEAK and not _is_modal_word(span.text, hits, f)]
    force = weakest(weak) if weak else strongest(forces)
    first = hits[0]
    return SentenceForce(span.start_char, span.end_char, force,
                         (span.start_char + first[0], span.start_char + first[1]), span.text[: first[0]].strip())


def _is_modal_word(text: str, hits: list[tuple[int, int, str]], force: str) -> bool:
    modals = modality_lexicon()["modals"]
    return all(text[s:e].lower() in modals for s, e, f in hits if f == force)


def announced_force(force: str | None) -> str | None:
    """An announcement's force: what its verb says, but never binding, since a fact sheet or press release
    reports a deal rather than being one ("the two sides agreed to" there is a commitment)."""
    return "commitment" if force == "binding" else force


def _actor_subject(pred: Token) -> bool:
    """Does the head of the verb's subject name someone who acts: a party word ("the Participants", "we"), a
    country or capital, an institution, or an office or body ("the President", "the Ministry", "companies")?
    The head decides: "copper prices in our countries" and "Phase I of the project" name no one."""
    head = next((c for c in pred.children if c.dep_ in {"nsubj", "nsubjpass"}), None)
    if head is None:
        return pred.dep_ in {"xcomp", "conj"} and pred.head is not pred and _actor_subject(pred.head)
    lex = modality_lexicon()
    if head.lower_ in set(lex["party_words"]) | set(lex["actor_words"]):
        return True
    name = " ".join(t.text for t in head.subtree if t.dep_ == "compound" or t is head)
    return bool(_countries(name) or find_institutions(name))


def resolve_actors(subject: str, parties: list[str]) -> list[str]:
    """Normalised names of who commits: countries named, institutions' countries, else the parties.
    Names are spelled as the document's parties spell them; when the parties include a group and
    its members (G7 and Canada, France ...), "we" and "the members" mean the group."""
    spelling = {name: p for p in parties for name in _countries(p)[:1]}
    named = [spelling.get(n, n) for n in _countries(subject)]
    for hit in find_institutions(subject):
        country = institution_countries().get(hit.name)
        if country and spelling.get(country, country) not in named:
            named.append(spelling.get(country, country))
    groups = [p for p in parties if p in GROUPS] if len(parties) > 2 else []  # a group beside its members
    collective = groups or list(parties)
    words = set(re.findall(r"[a-z]+", subject.lower()))
    if named and not set(named) <= set(groups):
        if words & {"participants", "parties", "sides", "both", "we"}:
            named += [p for p in collective if p not in named]
        return named
    return collective


def _countries(text: str) -> list[str]:
    return countries_in(text)
