"""The ten maturity criteria grouped under the five domains of NHS England's social prescribing
maturity matrix (as the NCCH Creative Health Toolkit uses them), so scores read alongside it.

A domain's stage is the median of its assessed criteria's stages, rounded down, shown with how
many of its criteria are assessed; a domain with none assessed is "not assessed" (never low).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ecology.analysis import maturity

DOMAIN_RULE = ("A domain's stage is the median of its assessed criteria, rounded down, with how many of its "
               "criteria are assessed; a domain with none assessed is not assessed.")


def domains() -> list[dict]:
    """Return the domains in order: id, label, criteria (criterion ids)."""
    return maturity.framework()["domains"]


def domain_of(criterion_id: str) -> str:
    """Return the label of the domain a criterion sits in."""
    return next(d["label"] for d in domains() if criterion_id in d["criteria"])


def rollup(stages: dict[str, object]) -> pd.DataFrame:
    """Return one row per domain for one ICS: Domain, Criteria (their labels), Assessed ("n of m"),
    Stage (number or NaN) and Stage label, from {criterion id: stage or None}."""
    rows = []
    for domain in domains():
        values = [stages.get(c) for c in domain["criteria"]]
        known = [int(v) for v in values if v is not None and not pd.isna(v)]
        stage = int(np.floor(np.median(known))) if known else np.nan
        rows.append({"Domain": domain["label"],
                     "Criteria": ", ".join(maturity.criterion_label(c) for c in domain["criteria"]),
                     "Assessed": f"{len(known)} of {len(values)}", "Stage": stage,
                     "Stage label": maturity.stage_label(stage if known else None)})
    return pd.DataFrame(rows)


def icb_rollup(current: pd.DataFrame, icb_code: str) -> pd.DataFrame:
    """Return ``rollup`` for one ICS from its current scores."""
    mine = current[current["icb_code"] == icb_code]
    return rollup(dict(zip(mine["criterion"], mine["stage"])))
