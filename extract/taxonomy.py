"""The commitment taxonomy as data: the shipped extract/data/taxonomy.yaml, plus any user file.

A user file has the same shape (`types:` with description, cues, hints, examples; optional
`background:` sentences of no type and `inert:` patterns of clauses that commit to nothing). By
default it adds its types to the shipped ones (a type of the same name gets the new cues and
examples appended); `mode: replace` at its top replaces the shipped taxonomy.
Files come from `Extractor(taxonomy=PATH)` or the ACCORDS_TAXONOMY variable (paths joined by ':').
"""
from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from extract.resources import DATA_DIR, read_yaml

DEFAULT_TAXONOMY = DATA_DIR / "taxonomy.yaml"
ENV_VAR = "ACCORDS_TAXONOMY"
_NAME = re.compile(r"[a-z][a-z0-9_]{0,63}")


class TypeSpec(BaseModel):
    name: str
    description: str = ""
    cues: list[str] = Field(default_factory=list, description="Regexes strong enough on their own.")
    hints: list[str] = Field(default_factory=list, description="Regexes that need the meaning to agree.")
    examples: list[str] = Field(default_factory=list)


class Taxonomy(BaseModel):
    types: dict[str, TypeSpec]
    background: list[str] = Field(default_factory=list, description="Sentences of no type, for the classifier.")
    inert: list[str] = Field(default_factory=list, description="Regexes of clauses that commit to nothing "
                                                               "(definitions and the like): no type is given.")
    sources: list[str] = Field(default_factory=list)

    @property
    def labels(self) -> list[str]:
        return list(self.types)

    @property
    def key(self) -> str:
        """Changes whenever anything a classifier learns from changes."""
        payload = json.dumps(self.model_dump(exclude={"sources"}), sort_keys=True)
        return hashlib.sha1(payload.encode()).hexdigest()[:16]


def load_taxonomy(extra: str | Path | Taxonomy | None = None, *, use_env: bool = True) -> Taxonomy:
    """The shipped taxonomy with the user's files applied in order (argument first, then ACCORDS_TAXONOMY)."""
    if isinstance(extra, Taxonomy):
        return extra
    taxonomy = parse_taxonomy(read_yaml(DEFAULT_TAXONOMY), str(DEFAULT_TAXONOMY))
    paths: list[str] = []
    if use_env and os.environ.get(ENV_VAR):
        paths += [p for p in os.environ[ENV_VAR].split(os.pathsep) if p.strip()]
    if extra is not None:
        paths.append(str(extra))
    for path in paths:
        if not Path(path).is_file():
            raise ValueError(f"taxonomy file {path} does not exist")
        data = read_yaml(path)
        user = parse_taxonomy(data, path)
        if str(data.get("mode", "extend")) == "replace":
            taxonomy = Taxonomy(types=user.types, background=user.background or taxonomy.background,
                                inert=user.inert or taxonomy.inert, sources=[path])
        else:
            taxonomy = merge(taxonomy, user)
    return taxonomy


def parse_taxonomy(data: dict[str, Any], source: str) -> Taxonomy:
    mode = data.get("mode", "extend")
    if mode not in {"extend", "replace"}:
        raise ValueError(f"{source}: mode {mode!r} is not one of extend, replace")
    raw_types = data.get("types")
    if not isinstance(raw_types, dict) or not raw_types:
        raise ValueError(f"{source}: needs a 'types:' mapping of type name -> description, cues, hints, examples")
    types: dict[str, TypeSpec] = {}
    for name, body in raw_types.items():
        name = str(name)
        if not _NAME.fullmatch(name):
            raise ValueError(f"{source}: type name {name!r} must be lower-case letters, digits and '_'")
        body = body or {}
        if not isinstance(body, dict):
            raise ValueError(f"{source}: type {name!r} must be a mapping (description, cues, hints, examples)")  # noqa: TRY004
        spec = TypeSpec(name=name, description=str(body.get("description") or ""),
                        cues=_strings(body.get("cues"), source, name, "cues"),
                        hints=_strings(body.get("hints"), source, name, "hints"),
                        examples=_strings(body.get("examples"), source, name, "examples"))
        for pattern in spec.cues + spec.hints:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"{source}: type {name!r}: cue {pattern!r} is not a valid regex ({exc})") from None
        if not (spec.cues or spec.examples or spec.description):
            raise ValueError(f"{source}: type {name!r} needs cues, examples or a description")
        types[name] = spec
    background = _strings(data.get("background"), source, "background", "background")
    inert = _strings(data.get("inert"), source, "inert", "inert")
    for pattern in inert:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ValueError(f"{source}: inert pattern {pattern!r} is not a valid regex ({exc})") from None
    return Taxonomy(types=types, background=background, inert=inert, sources=[source])


def merge(base: Taxonomy, user: Taxonomy) -> Taxonomy:
    types = {name: spec.model_copy(deep=True) for name, spec in base.types.items()}
    for name, spec in user.types.items():
        if name not in types:
            types[name] = spec
            continue
        old = types[name]
        types[name] = TypeSpec(name=name, description=spec.description or old.description,
                               cues=old.cues + spec.cues, hints=old.hints + spec.hints,
                               examples=old.examples + spec.examples)
    return Taxonomy(types=types, background=base.background + user.background, inert=base.inert + user.inert,
                    sources=base.sources + user.sources)


def _strings(value: Any, source: str, name: str, field: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{source}: {name}.{field} must be a list of strings")
    return [v.strip() for v in value if v.strip()]
