"""The README written next to a generated bundle (deterministic text)."""

from __future__ import annotations

import numpy as np

from ._checks import crude_measures, independence_table
from ._design import CHECK_FRACTION, CLOSE_FRACTION, DEFAULT_AS_OF, PLANTED_BETAS

#: The independence check reads at most this many engagements (keeps big bundles fast).
CHECK_ENGAGEMENTS = 3000


def _markdown(frame, floats: str = "{:.3f}") -> str:
    cols = list(frame.columns)
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for row in frame.itertuples(index=False):
        cells = [floats.format(v) if isinstance(v, float) else str(v) for v in row]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


_COUNT_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def _count_word(count: int) -> str:
    return _COUNT_WORDS[count] if count < len(_COUNT_WORDS) else str(count)


def _options(bundle, planted: list[str]) -> tuple[str, str]:
    """The non-default generate() options, as Python keywords and as CLI options."""
    strengths = bundle.planted.set_index("family")["beta_per_sd"]
    default = {family: abs(beta) for family, beta in PLANTED_BETAS.items()}
    python, cli = "", ""
    if {family: float(strengths[family]) for family in planted} != default:
        pairs = {family: float(strengths[family]) for family in planted}
        python += f", planted={pairs!r}"
        cli += "".join(f" --plant {family}={strength!r}" for family, strength in pairs.items())
    if bundle.dark_onset:
        python += f", dark_onset={bundle.dark_onset!r}"
        cli += f" --dark-onset {bundle.dark_onset!r}"
    return python, cli


def readme_text(bundle) -> str:
    """Render the bundle's README: provenance, counts, planted truth, traps, checks."""
    t = bundle.tables
    eng = t["engagements"]
    closed = eng["outcome"].notna()
    outcome_share = eng.loc[closed, "outcome"].value_counts(normalize=True)
    failed_rate = float(outcome_share.get("failed", 0.0))
    planted = bundle.planted.copy()
    planted["beta_per_sd"] = planted["beta_per_sd"].map(lambda v: f"{v:.2f}")
    counts = "\n".join(f"| {name} | {len(frame):,} |" for name, frame in t.items())
    as_of = bundle.as_of.isoformat()
    as_of_option = "" if as_of == DEFAULT_AS_OF else f" --as-of {as_of}"
    measures = crude_measures(t, max_engagements=CHECK_ENGAGEMENTS)
    planted_cols = list(bundle.planted.loc[bundle.planted["planted"] == "yes", "family"])
    checks = independence_table(measures, bundle.truth, planted_cols)
    non_planted = checks[~checks["family"].isin(planted_cols)][planted_cols].to_numpy()
    worst = float(np.nanmax(np.abs(non_planted))) if non_planted.size else float("nan")
    options = _options(bundle, planted_cols)
    checked = min(len(eng), CHECK_ENGAGEMENTS)
    fail_lo, fail_hi = CLOSE_FRACTION["failed"]
    chal_lo, chal_hi = CLOSE_FRACTION["challenged"]
    return f"""# Sample bundle with a planted truth

Synthetic export bundle of {len(eng):,} fictional engagements, made by
`engagement_analytics.sample.generate(n_engagements={bundle.n_engagements}, seed={bundle.seed}, as_of="{as_of}"{options[0]})`.
Every company, person, e-mail address and title is invented. The bundle holds
personal-looking data on purpose (names, e-mail ids) so that pseudonymisation
is exercised, and awkward free text (commas, quotes, line breaks, `<script>`,
`<img onerror>`, spreadsheet formulas) so that CSV quoting and report escaping
are exercised.

Regenerate it, byte for byte:

```
engagement-analytics sample --out DIR --n {bundle.n_engagements} --seed {bundle.seed}{as_of_option}{options[1]}
```

(The copy committed in `data/sample/` is `engagement-analytics sample --out data/sample --n 300 --seed 7`;
the large benchmark bundle is `--out data/large --n 20000 --seed 7` and is never committed.)

`truth.csv` is not a bundle table (the loader ignores it): one row per
engagement with the latent traits `z_<family>` (standard normal, oriented so
that higher means more of what the family is named after: more overselling,
more sponsor absence, more client reciprocity, more champion engagement, ...),
`failure_log_odds`, `failure_probability` (= `true_failure_probability`, the
probability the outcome was drawn with), `eventual_outcome` (drawn for every
engagement, also the active ones), `outcome` and `closed` as in the bundle.

## Counts (as of {as_of})

| table | rows |
|---|---|
{counts}

Closed engagements: {int(closed.sum()):,} of {len(eng):,}; outcomes among them:
success {outcome_share.get("success", 0.0):.1%}, challenged {outcome_share.get("challenged", 0.0):.1%},
failed {failed_rate:.1%}.

## Planted truth

Failure log-odds = intercept + sum over planted families of (+/-) beta_per_sd x latent.
`beta_per_sd` is the increase in failure log-odds per SD of the latent trait
taken in the risky direction; nothing else enters the failure odds.

{_markdown(planted)}

- intercept: {bundle.intercept:.2f}
- realised base rate (failed / closed): {failed_rate:.3f}

## Traps

- Failed engagements close early ({fail_lo:.0%}-{fail_hi:.0%} of the planned
  duration), challenged ones late ({chal_lo:.0%}-{chal_hi:.0%}), successful ones near the plan.
  Activity simply stops at the close date, so anything that grows with
  elapsed time (counts, longest gaps, "days to first X") differs by outcome
  without any behavioural cause. Compare rates over windows that do not depend
  on the outcome (e.g. the first {CHECK_FRACTION:.0%} of the planned duration:
  no engagement closes before {fail_lo:.0%}).
- Active engagements (empty `closed_date`) are censored: failures are more
  likely to be closed already, so never treat active ones as successes.
- About 20 % of meetings have no recorded attendance (`attended` empty): there an
  accepted invitation counts as attended. Cancelled meetings keep their
  invitations and responses but must never count as attended.
- Datetimes carry their client's UTC offset with daylight saving (+01:00/+02:00,
  -05:00/-04:00, Z/+01:00); compare them in UTC.
- Some people appear on several engagements of the same client, vendor staff on many.
- Champions leave (`left_on`) and late joiners arrive (`joined_on`); people who
  had not joined by the end are not listed.

## Independence of the non-planted families

Each latent trait drives only the raw behaviours read by its own family's
signals. The table below (first {checked:,} engagements) correlates crude
versions of the families' measures, taken over the first {CHECK_FRACTION:.0%}
of each planned duration, with their own latent and with the {_count_word(len(planted_cols))} planted
latents (Spearman). Own-latent correlations are clearly non-zero; for the
non-planted measures the largest correlation with any planted latent is
{worst:.3f}. The planted latents are whitened (exactly uncorrelated in the
sample). The non-planted latents are then *balanced*: among the closed
engagements, each has exactly the same mean in every outcome group (a
balanced design, like stratified assignment). The outcome is drawn from the
planted latents only, but in a finite sample a non-planted latent still
differs between failed and other engagements by chance, and a faithful signal
would report that chance link; after balancing, a non-planted family that
comes out in the drivers analysis points at leakage, not luck. What remains
here is rank noise (about +/-{2 / np.sqrt(max(checked, 1)):.2f}) and two mechanical
links of about 0.1: the crude breadth measures below count every client
attendance, the sponsor's and champions' own included (the toolkit's breadth
signals leave the sponsor and the champions out for that reason); and an
organiser always attends, so sessions led by champions are sessions the change
agent does not organise (and must attend like any invitee).

{_markdown(checks)}
"""
