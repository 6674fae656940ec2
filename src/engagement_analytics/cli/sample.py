"""``engagement-analytics sample``: write a synthetic bundle with a planted truth."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..sample import DEFAULT_AS_OF
from .common import UsageProblem, console, parse_date


def register(app: typer.Typer) -> None:
    """Add the ``sample`` command to ``app``."""

    @app.command("sample")
    def sample(
        out: Annotated[Path, typer.Option("--out", help="Folder to write the bundle into.")],
        n: Annotated[int, typer.Option("--n", help="Number of engagements.")] = 300,
        seed: Annotated[int, typer.Option("--seed", help="Random seed (same seed, same bytes).")] = 0,
        as_of: Annotated[str, typer.Option("--as-of", help="Export date, YYYY-MM-DD.")] = DEFAULT_AS_OF,
        plant: Annotated[
            list[str] | None,
            typer.Option("--plant", help="FAMILY=STRENGTH: plant this family (repeat the option); "
                                         "without it, the default truth."),
        ] = None,
        dark_onset: Annotated[
            float, typer.Option("--dark-onset", help="Fraction of the plan from which going dark is planted.")
        ] = 0.0,
    ) -> None:
        """Generate a synthetic bundle (six tables, truth.csv, README.md) into OUT."""
        from ..sample import generate

        as_of_date = parse_date(as_of, option="--as-of")
        if n < 1:
            raise UsageProblem(f"--n: {n} is not a positive number of engagements")
        if out.exists() and not out.is_dir():
            raise UsageProblem(f"--out: {out} exists and is not a folder")
        try:
            bundle = generate(n_engagements=n, seed=seed, as_of=as_of_date,
                              planted=_strengths(plant), dark_onset=dark_onset)
        except ValueError as exc:
            raise UsageProblem(str(exc)) from None
        bundle.write(out)
        rows = ", ".join(f"{name} {len(frame):,}" for name, frame in bundle.tables.items())
        console.print(f"wrote {out}: {rows}", markup=False)


def _strengths(options: list[str] | None) -> dict[str, float] | None:
    """``["going_dark=1.0", ...]`` as ``{"going_dark": 1.0, ...}`` (None: the default truth)."""
    if not options:
        return None
    strengths = {}
    for option in options:
        family, sep, value = option.partition("=")
        try:
            if not sep:
                raise ValueError(option)
            strengths[family.strip()] = float(value)
        except ValueError:
            raise UsageProblem(f"--plant: {option!r} is not FAMILY=STRENGTH") from None
    return strengths
