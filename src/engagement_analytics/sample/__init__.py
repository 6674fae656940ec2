"""Synthetic bundles with a known, planted truth.

:func:`generate` builds the six contract tables for a portfolio of fictional
engagements whose failure odds depend on four planted pattern families
(overselling, sponsor absence, commitment reciprocity, champion engagement)
and on nothing else; ``planted=`` plants any other set at any strength (e.g.
``{"going_dark": 1.0}``) and ``dark_onset=`` makes going dark start late in
each engagement. The other families vary realistically but carry no
effect, and the generator keeps them independent of the planted traits. The
truth (latent traits, the generating failure probability) comes with the
tables, so drivers and notebooks can be checked against it.

Examples
--------
>>> from engagement_analytics import load_bundle
>>> from engagement_analytics.sample import generate
>>> bundle = generate(n_engagements=60, seed=1)
>>> sorted(bundle.tables)[:2]
['attendance', 'commitments']
>>> import tempfile
>>> with tempfile.TemporaryDirectory() as folder:
...     _ = bundle.write(folder)
...     load_bundle(folder).report.tables["engagements"].kept
60
"""

from ._generate import DEFAULT_AS_OF, SampleBundle, generate, planted_table, truth_auc

__all__ = ["DEFAULT_AS_OF", "SampleBundle", "generate", "planted_table", "truth_auc"]
