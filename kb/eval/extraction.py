"""Extraction evaluation: per-type precision/recall/F1, modality, amounts, deadlines, evidence.

Gold files are JSON lines `{"doc_id", "snippet", "types", "modality", "actors", "minerals",
"amounts", "deadline", "institutions"}`, one per clause of each annotated document. A snippet is
a whitespace-normalised substring of its clause; documents are read from the corpus folder with
ingest.load and run through the Extractor in one batch.
"""
from __future__ import annotations

import glob
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from extract.learn import RECITAL_KINDS

if TYPE_CHECKING:
    from extract import ClauseAnalysis, Extractor
    from ingest import Document

DEFAULT_GOLD = "corpus/gold/commitments*.jsonl"
BAR = {"macro_f1": 0.85, "modality_accuracy": 0.90, "amount_recall": 0.95, "deadline_recall": 0.95}
MODALITY_ORDER = ("binding", "commitment", "intent", "aspiration", "recital")


class GoldClause(BaseModel):
    doc_id: str
    snippet: str
    types: list[str] = Field(default_factory=list)
    modality: str = "recital"
    actors: list[str] = Field(default_factory=list)
    minerals: list[str] = Field(default_factory=list)
    amounts: list[dict[str, Any]] = Field(default_factory=list)
    deadline: dict[str, Any] | None = None
    institutions: list[str] = Field(default_factory=list)


class TypeRow(BaseModel):
    type: str
    precision: float
    recall: float
    f1: float
    support: int
    predicted: int


class Mistake(BaseModel):
    doc_id: str
    clause_id: str
    snippet: str
    gold_types: list[str]
    predicted_types: list[str]
    gold_modality: str
    predicted_modality: str


class ExtractionReport(BaseModel):
    protocol: str = "held-out clauses"
    gold_files: list[str]
    documents: list[str]
    gold_clauses: int
    matched: int
    unmatched: list[str] = Field(description="doc_id: snippet of gold lines that pin no clause.")
    per_type: list[TypeRow]
    macro_f1: float
    micro_f1: float
    modality_accuracy: float
    modality_confusion: dict[str, dict[str, int]] = Field(description="gold -> predicted -> count.")
    amounts_gold: int
    amount_recall: float
    amount_bound_accuracy: float
    deadlines_gold: int
    deadline_recall: float
    evidence_spans: int
    evidence_outside_clause: int
    set_f1: dict[str, float] = Field(description="Micro F1 of actors, minerals and institutions per clause "
                                                 "(only those the gold annotates).")
    background_clauses: int = Field(default=0, description="Operative-looking clauses (not titles, preambles, "
                                    "recitals, headings or signatures) to which the gold gives no type.")
    background_precision: float = Field(default=1.0, description="Share of those background clauses that "
                                        "extraction also leaves without a type.")
    mistakes: list[Mistake]

    @property
    def meets_bar(self) -> dict[str, bool]:
        checks = {name: getattr(self, name) >= bar for name, bar in BAR.items()}
        checks["evidence_inside_clause"] = self.evidence_outside_clause == 0
        return checks


def gold_files(paths: Iterable[str | Path] | str | Path | None = None) -> list[Path]:
    patterns = [DEFAULT_GOLD] if paths is None else [paths] if isinstance(paths, (str, Path)) else list(paths)
    found: list[Path] = []
    for pattern in patterns:
        matches = sorted(glob.glob(str(pattern))) or ([str(pattern)] if Path(pattern).exists() else [])
        found += [Path(m) for m in matches if Path(m) not in found]
    if not found:
        raise FileNotFoundError(f"no gold file matches {', '.join(map(str, patterns))}")
    return found


def load_gold(paths: list[Path]) -> list[GoldClause]:
    out = []
    for path in paths:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if line.strip():
                try:
                    out.append(GoldClause.model_validate(json.loads(line)))
                except ValueError as exc:
                    raise ValueError(f"{path}:{n}: {str(exc).splitlines()[0]}") from None
    return out


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).replace("\u00ad", "")
    text = re.sub(r"[\u2018\u2019\u201a\u2032]", "'", re.sub(r"[\u201c\u201d\u201e\u2033]", '"', text))
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", text)
    return re.sub(r"\s+", " ", text).strip().lower()


def load_documents(corpus_dir: str | Path, doc_ids: set[str]) -> dict[str, Document]:
    """The corpus documents whose doc_id the gold names (sidecars may rename a file's doc_id)."""
    import ingest

    docs: dict[str, Document] = {}
    for path in ingest.discover([corpus_dir]):
        doc = ingest.load(path)
        if doc.doc_id in doc_ids:
            docs[doc.doc_id] = doc
    return docs


def evaluate_extraction(gold_path: Iterable[str | Path] | str | Path | None = None, corpus_dir: str | Path = "corpus",
                        extractor: Extractor | None = None, *, lodo: bool = True) -> ExtractionReport:
    """Score the Extractor on the gold. The type model learns from annotated corpus clauses, so by
    default each document is scored by a model that has forgotten that document's annotations
    (leave-one-document-out); lodo=False scores the shipped model, which has seen them all."""
    from extract import Extractor

    files = gold_files(gold_path)
    gold = load_gold(files)
    docs = load_documents(corpus_dir, {g.doc_id for g in gold})
    extractor = extractor or Extractor()
    order = sorted(docs)
    if lodo:
        analyses = {}
        for doc_id in order:
            with extractor.holding_out(doc_id):
                analyses[doc_id] = extractor.analyse_many([docs[doc_id]])[0]
    else:
        analyses = dict(zip(order, extractor.analyse_many([docs[d] for d in order]), strict=True))
    report = score(gold, docs, analyses, [str(f) for f in files])
    report.protocol = "leave-one-document-out" if lodo else "fitted (the model has seen these annotations)"
    return report


def match(gold: list[GoldClause], docs: dict[str, Document],
          analyses: dict[str, list[ClauseAnalysis]]) -> tuple[list[tuple[GoldClause, ClauseAnalysis]], list[str]]:
    pairs, unmatched = [], []
    texts = {d: [(normalise(c.text), a) for c, a in zip(docs[d].clauses, analyses[d], strict=True)] for d in docs}
    for g in gold:
        snippet = normalise(g.snippet)
        hit = next((a for text, a in texts.get(g.doc_id, []) if snippet in text), None)
        if hit is None:
            unmatched.append(f"{g.doc_id}: {g.snippet}")
        else:
            pairs.append((g, hit))
    return pairs, unmatched


def score(gold: list[GoldClause], docs: dict[str, Document], analyses: dict[str, list[ClauseAnalysis]],
          files: list[str]) -> ExtractionReport:
    pairs, unmatched = match(gold, docs, analyses)
    tp: Counter[str] = Counter()
    support: Counter[str] = Counter()
    predicted: Counter[str] = Counter()
    confusion = {g: {p: 0 for p in MODALITY_ORDER} for g in MODALITY_ORDER}
    mistakes: list[Mistake] = []
    amounts = [0, 0, 0]  # gold, found, found with the right bound
    deadlines = [0, 0]
    sets = {k: [0, 0, 0] for k in ("actors", "minerals", "institutions")}  # tp, gold, predicted
    background = [0, 0]  # gold body clauses of no type, those also untyped by extraction
    for g, a in pairs:
        pred = set(a.types)
        if not g.types and a.kind not in RECITAL_KINDS:
            background[0] += 1
            background[1] += not pred
        support.update(g.types)
        predicted.update(pred)
        tp.update(set(g.types) & pred)
        modality = a.modality if a.modality in MODALITY_ORDER else "recital"
        confusion.setdefault(g.modality, {p: 0 for p in MODALITY_ORDER})[modality] += 1
        if pred != set(g.types) or modality != g.modality:
            mistakes.append(Mistake(doc_id=g.doc_id, clause_id=a.clause_id, snippet=g.snippet, gold_types=g.types,
                                    predicted_types=sorted(pred), gold_modality=g.modality,
                                    predicted_modality=modality))
        for amount in g.amounts:
            amounts[0] += 1
            hit = next((x for x in a.amounts if _same_amount(amount, x.model_dump())), None)
            amounts[1] += hit is not None
            amounts[2] += hit is not None and hit.bound == amount.get("bound", "exact")
        if g.deadline:
            deadlines[0] += 1
            deadlines[1] += any(_same_deadline(g.deadline, d.model_dump(mode="json")) for d in a.deadlines)
        for key, counts in sets.items():
            want, got = {x.lower() for x in getattr(g, key)}, {x.lower() for x in getattr(a, key)}
            if key == "actors" and g.modality == "recital":
                continue  # who "commits" in a recital is not annotated consistently
            counts[0] += len(want & got)
            counts[1] += len(want)
            counts[2] += len(got)
    rows = [_row(t, tp[t], support[t], predicted[t]) for t in sorted(set(support) | set(predicted))]
    scored = [r for r in rows if r.support]
    micro = _f1(sum(tp.values()), sum(predicted.values()), sum(support.values()))
    inside, total = _evidence(docs, analyses)
    return ExtractionReport(
        gold_files=files, documents=sorted(docs), gold_clauses=len(gold), matched=len(pairs), unmatched=unmatched,
        per_type=rows, macro_f1=round(sum(r.f1 for r in scored) / len(scored), 4) if scored else 0.0,
        micro_f1=round(micro, 4),
        modality_accuracy=round(sum(row[m] for m, row in confusion.items() if m in MODALITY_ORDER) / len(pairs), 4)
        if pairs else 0.0,
        modality_confusion=confusion, amounts_gold=amounts[0],
        amount_recall=round(amounts[1] / amounts[0], 4) if amounts[0] else 1.0,
        amount_bound_accuracy=round(amounts[2] / amounts[1], 4) if amounts[1] else 1.0,
        deadlines_gold=deadlines[0], deadline_recall=round(deadlines[1] / deadlines[0], 4) if deadlines[0] else 1.0,
        evidence_spans=total, evidence_outside_clause=total - inside,
        set_f1={k: round(_f1(v[0], v[2], v[1]), 4) for k, v in sets.items() if v[1]}, mistakes=mistakes,
        background_clauses=background[0],
        background_precision=round(background[1] / background[0], 4) if background[0] else 1.0,
    )


def _row(name: str, tp: int, support: int, predicted: int) -> TypeRow:
    p = tp / predicted if predicted else 0.0
    r = tp / support if support else 0.0
    return TypeRow(type=name, precision=round(p, 4), recall=round(r, 4), f1=round(_f1(tp, predicted, support), 4),
                   support=support, predicted=predicted)


def _f1(tp: int, predicted: int, support: int) -> float:
    return 2 * tp / (predicted + support) if predicted + support else 1.0


def _same_amount(gold: dict[str, Any], got: dict[str, Any]) -> bool:
    value = float(gold.get("value", -1))
    close = abs(float(got["value"]) - value) <= 1e-6 * max(1.0, abs(value))
    return close and (not gold.get("currency") or gold["currency"] == got.get("currency"))


def _same_deadline(gold: dict[str, Any], got: dict[str, Any]) -> bool:
    if gold.get("kind") and gold["kind"] != got.get("kind", "within"):  # the gold names its kind of time limit
        return False
    if gold.get("date"):
        return str(gold["date"]) == str(got.get("date"))
    return gold.get("days") is None or gold["days"] == got.get("days")


def _evidence(docs: dict[str, Document], analyses: dict[str, list[ClauseAnalysis]]) -> tuple[int, int]:
    """(evidence spans inside their clause and verbatim, all evidence spans), over every clause."""
    inside = total = 0
    for doc_id, per_clause in analyses.items():
        doc = docs[doc_id]
        for clause, analysis in zip(doc.clauses, per_clause, strict=True):
            for c in analysis.commitments:
                total += 1
                inside += (clause.start <= c.start <= c.end <= clause.end and doc.text[c.start:c.end] == c.text
                           and c.clause_id == clause.clause_id)
    return inside, total


def evaluate_clauses(path: str | Path, extractor: Extractor | None = None) -> ExtractionReport:
    """Score loose clauses (JSON lines with text, kind, doc_type, parties, date and the gold fields),
    each wrapped in a one-clause Document: the held-out set in other drafting styles."""
    from extract import Extractor
    from ingest import Clause, Document

    items = [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]
    docs: dict[str, Document] = {}
    gold: list[GoldClause] = []
    for item in items:
        doc_id = str(item["id"])
        clause = Clause(clause_id=f"{doc_id}/c1", kind=item.get("kind", "provision"), start=0,
                        end=len(item["text"]), text=item["text"])
        docs[doc_id] = Document(doc_id=doc_id, title=doc_id, date=item.get("date"), parties=item.get("parties", []),
                                doc_type=item.get("doc_type", "other"), text=item["text"], clauses=[clause])
        gold.append(GoldClause.model_validate({**item, "doc_id": doc_id, "snippet": item["text"]}))
    extractor = extractor or Extractor()
    order = sorted(docs)
    analyses = dict(zip(order, extractor.analyse_many([docs[d] for d in order]), strict=True))
    return score(gold, docs, analyses, [str(path)])


def export_training(gold_path: Iterable[str | Path] | str | Path | None = None, corpus_dir: str | Path = "corpus") -> int:
    """Write extract/data/annotated_clauses.jsonl (gold clauses with their types) and
    extract/data/vectors.npz (their embeddings and the taxonomy's, so start-up embeds nothing).
    Run explicitly after the gold changes: python -m kb.eval.extraction export"""
    import numpy as np

    from extract.encoder import get_encoder
    from extract.learn import ANNOTATED, VECTORS, text_key
    from extract.taxonomy import load_taxonomy

    gold = load_gold(gold_files(gold_path))
    docs = load_documents(corpus_dir, {g.doc_id for g in gold})
    rows: dict[str, dict[str, Any]] = {}
    for g in gold:
        snippet = normalise(g.snippet)
        clause = next((c for c in docs[g.doc_id].clauses if snippet in normalise(c.text)), None) if g.doc_id in docs else None
        if clause is not None:
            rows.setdefault(clause.clause_id, {"doc_id": g.doc_id, "clause_id": clause.clause_id, "kind": clause.kind,
                                               "text": clause.text, "types": sorted(set(g.types))})
    ANNOTATED.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows.values()), encoding="utf-8")
    taxonomy = load_taxonomy(use_env=False)
    texts = [t for spec in taxonomy.types.values() for t in [*spec.examples, spec.description] if t]
    texts = list(dict.fromkeys(texts + taxonomy.background + [r["text"] for r in rows.values()]))
    encoder = get_encoder()
    np.savez_compressed(VECTORS, model=np.array(encoder.model_id.split(":")[0]),
                        keys=np.array([text_key(t) for t in texts]), vectors=encoder.encode(texts).astype(np.float16))
    return len(rows)


if __name__ == "__main__":
    import sys

    if sys.argv[1:] == ["export"]:
        print(f"wrote {export_training()} annotated clauses")
    else:
        sys.exit("usage: python -m kb.eval.extraction export")
