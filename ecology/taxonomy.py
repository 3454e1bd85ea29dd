"""Controlled vocabularies (activity, health focus, audience, setting, referral route).

The terms live in ``ecology/data/taxonomy.json``; this module reads them and maps
free-text values (labels, ids or synonyms, any case) to term ids.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache

from ecology import paths

VOCABULARIES = ("activity", "health_focus", "audience", "setting", "referral_route", "cost", "kind",
                "practice_type")


@dataclass(frozen=True)
class Term:
    id: str
    label: str
    synonyms: tuple[str, ...]


@lru_cache(maxsize=1)
def load() -> dict[str, tuple[Term, ...]]:
    """Return {vocabulary name: terms in display order}."""
    raw = json.loads((paths.authored_data_dir() / "taxonomy.json").read_text(encoding="utf-8"))
    return {
        name: tuple(Term(t["id"], t["label"], tuple(t.get("synonyms", ()))) for t in terms)
        for name, terms in raw["vocabularies"].items()
    }


def terms(vocabulary: str) -> tuple[Term, ...]:
    """Return the terms of one vocabulary (KeyError if unknown)."""
    return load()[vocabulary]


@lru_cache(maxsize=None)
def _labels(vocabulary: str) -> dict[str, str]:
    return {t.id: t.label for t in terms(vocabulary)}


def label_of(vocabulary: str, term_id: str) -> str:
    """Return the display label of a term id (the id itself if unknown)."""
    return _labels(vocabulary).get(term_id, term_id)


@lru_cache(maxsize=None)
def _names(vocabulary: str) -> dict[str, str]:
    """Return {id, label or synonym in lower case: term id} for one vocabulary."""
    names: dict[str, str] = {}
    for term in reversed(terms(vocabulary)):  # earlier terms win a shared synonym
        for name in (term.id, term.label, *term.synonyms):
            names[" ".join(name.lower().split())] = term.id
    return names


def resolve(vocabulary: str, text: str) -> str | None:
    """Return the term id that ``text`` names (id, label or synonym, any case), else None."""
    return _names(vocabulary).get(" ".join(str(text).strip().lower().split()))
