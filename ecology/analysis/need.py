"""Need by theme: which real measure stands for need in each health focus, and how it is scored.

Each theme has one measure, built from one or two published indicators
(``Component``). A single indicator is ranked as it is; two are combined as the
mean of their percentiles among areas of the same kind, so that neither a large
prevalence (depression, about 12%) nor a small one (serious mental illness,
about 1%) swamps the other. Higher always means more need. The IMD 2025 can be
chosen instead for any theme.

Columns expected in the area table (``need_build`` writes them for local
authorities; ``areas`` builds ICBs and regions from them):
``dem_prevalence``, ``dep_prevalence``, ``mh_prevalence``, ``copd_prevalence``,
``ast_prevalence`` (fractions 0-1, QOF 2019/20 modelled prevalence),
``idaci_score``, ``idaopi_score``, ``health_score``, ``imd_score`` (IoD 2025
average scores), ``loneliness_pct`` (0-100) and ``share_65_plus`` (0-1).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

QOF = "QOF 2019/20 modelled prevalence by local authority (House of Commons Library, from NHS Digital QOF)"
IOD = "English Indices of Deprivation 2025 (MHCLG)"
CENSUS = "Census 2021 usual residents (ONS)"
LONELINESS = ("Loneliness index by LSOA 2021, modelled from the DCMS Community Life Survey 2017/18-2020/21, "
              "weighted by Census 2021 residents")


@dataclass(frozen=True)
class Component:
    """One published indicator: its column, what it is, and how to show it."""

    column: str
    label: str
    unit: str  # "%" (a 0-1 fraction shown as a percentage), "pct" (already 0-100) or "score"
    source: str

    def shown(self, value: float) -> str:
        if pd.isna(value):
            return "no data"
        if self.unit == "%":
            return f"{100 * value:.2f}%"
        if self.unit == "pct":
            return f"{value:.1f}%"
        return f"{value:.3f}"


@dataclass(frozen=True)
class NeedMeasure:
    """The need measure of a theme: one component, or two combined by mean percentile."""

    key: str
    name: str
    components: tuple[Component, ...]

    @property
    def formula(self) -> str:
        """Return how need is scored, in one sentence."""
        if len(self.components) == 1:
            return f"Need = {self.components[0].label} (higher = more need)."
        labels = " and ".join(c.label for c in self.components)
        return (f"Need = the mean of the percentiles of {labels} among areas of the same kind "
                "(0-100; higher = more need).")

    @property
    def source(self) -> str:
        """Return the sources and vintages of the components, each once."""
        return "; ".join(dict.fromkeys(c.source for c in self.components))

    @property
    def columns(self) -> list[str]:
        return [c.column for c in self.components]

    @property
    def need_label(self) -> str:
        """Return what the need column holds, e.g. "Need: dementia prevalence (all ages, % of ...)"."""
        if len(self.components) == 1:
            component = self.components[0]
            suffix = " (%)" if component.unit == "%" and "%" not in component.label else ""
            return f"Need: {component.label}{suffix}"
        return "Need (mean percentile of its indicators, 0-100)"


DEMENTIA = Component("dem_prevalence", "dementia prevalence (all ages, % of registered patients)", "%", QOF)
DEPRESSION = Component("dep_prevalence", "depression prevalence (18+, % of registered patients)", "%", QOF)
SMI = Component("mh_prevalence", "serious mental illness prevalence (% of registered patients)", "%", QOF)
COPD = Component("copd_prevalence", "COPD prevalence (% of registered patients)", "%", QOF)
ASTHMA = Component("ast_prevalence", "asthma prevalence (% of registered patients)", "%", QOF)
IDACI = Component("idaci_score", "IDACI score (income deprivation affecting children)", "score", IOD)
IDAOPI = Component("idaopi_score", "IDAOPI score (income deprivation affecting older people)", "score", IOD)
OLDER = Component("share_65_plus", "share of residents aged 65+", "%", CENSUS)
LONELY = Component("loneliness_pct", "loneliness index (% lonely often, always or some of the time)", "pct",
                   LONELINESS)
HEALTH = Component("health_score", "IoD 2025 health deprivation and disability score", "score", IOD)
IMD = Component("imd_score", "IMD 2025 average score", "score", IOD)

MEASURES = {
    "dementia": NeedMeasure("dementia", "Dementia prevalence", (DEMENTIA,)),
    "mental_health": NeedMeasure("mental_health", "Depression and serious mental illness", (DEPRESSION, SMI)),
    "respiratory": NeedMeasure("respiratory", "COPD and asthma", (COPD, ASTHMA)),
    "cyp": NeedMeasure("cyp", "Income deprivation affecting children (IDACI)", (IDACI,)),
    "older": NeedMeasure("older", "Older people's income deprivation and the 65+ share", (IDAOPI, OLDER)),
    "loneliness": NeedMeasure("loneliness", "Loneliness index", (LONELY,)),
    "health": NeedMeasure("health", "Health deprivation and disability (IoD 2025)", (HEALTH,)),
    "imd": NeedMeasure("imd", "Index of Multiple Deprivation 2025", (IMD,)),
}
THEME_MEASURES = {
    "dementia": "dementia", "mental_health": "mental_health", "respiratory": "respiratory",
    "cyp_mental_health": "cyp", "falls_frailty": "older", "end_of_life": "older",
    "loneliness_isolation": "loneliness", "long_term_conditions": "health", "general_wellbeing": "health",
}
# Themes whose people are mostly in one Census 2021 age band: provision is per 10,000 of that band.
THEME_AGE_BANDS = {"dementia": "pop21_65_plus", "falls_frailty": "pop21_65_plus", "end_of_life": "pop21_65_plus",
                   "cyp_mental_health": "pop21_0_15"}
AGE_BAND_LABELS = {"pop21_total": "all ages", "pop21_65_plus": "aged 65+", "pop21_0_15": "aged 0-15",
                   "pop21_16_64": "aged 16-64"}


def measure_for(theme: str | None, *, use_imd: bool = False) -> NeedMeasure:
    """Return the need measure of a theme (the IMD for themes without one, or when asked)."""
    if use_imd:
        return MEASURES["imd"]
    return MEASURES[THEME_MEASURES.get(theme or "", "imd")]


def age_band(theme: str | None) -> str:
    """Return the Census 2021 population column provision is counted against for a theme."""
    return THEME_AGE_BANDS.get(theme or "", "pop21_total")


def percentile(values: pd.Series) -> pd.Series:
    """Return mid-rank percentiles (0-100; ties share one value; missing stays missing)."""
    ranks = values.rank(method="average")
    return (ranks - 0.5) / values.notna().sum() * 100


def need_values(table: pd.DataFrame, measure: NeedMeasure) -> pd.Series:
    """Return the need of each row under ``measure``: the indicator itself (a fraction as a
    percentage), or the mean percentile of two (missing where any component is missing)."""
    if len(measure.components) == 1:
        values = table[measure.columns[0]].astype("float64")
        return (100 * values).round(4) if measure.components[0].unit == "%" else values
    parts = pd.concat([percentile(table[c].astype("float64")) for c in measure.columns], axis=1)
    return parts.mean(axis=1, skipna=False).round(2)
