"""The ``engagement-analytics`` command line.

Each sub-command lives in its own module and registers itself on :data:`app`.
Exit codes: 0 success, 1 the data says no (invalid bundle, too few outcomes),
2 unreadable input or a usage error.
"""

from __future__ import annotations

import sys

import typer

from .. import BundleError
from .common import UsageProblem, console_err

app = typer.Typer(
    name="engagement-analytics",
    help="Measure the relationship patterns that sink consulting engagements.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Sub-commands: one module each, registering on `app`.
from . import drivers as _drivers  # noqa: E402
from . import importers as _importers  # noqa: E402
from . import report as _report  # noqa: E402
from . import sample as _sample  # noqa: E402
from . import signals as _signals  # noqa: E402
from . import validate as _validate  # noqa: E402
from . import watchlist as _watchlist  # noqa: E402

_validate.register(app)
_report.register(app)
_signals.register(app)
_drivers.register(app)
_importers.register(app)
_sample.register(app)
_watchlist.register(app)


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the app and turn known failures into one-line errors."""
    try:
        # Standalone mode: typer/click turn usage errors into exit code 2 themselves.
        app(args=argv, prog_name="engagement-analytics")
    except BundleError as exc:
        console_err.print(f"error: {exc}", markup=False, highlight=False)
        sys.exit(2 if exc.unreadable else 1)
    except UsageProblem as exc:
        console_err.print(f"error: {exc}", markup=False, highlight=False)
        sys.exit(2)
    except MemoryError:  # a last resort: readers cap what they read, so this names no file
        console_err.print("error: out of memory while reading the input; the input is too large",
                          markup=False, highlight=False)
        sys.exit(2)
    except OSError as exc:  # an output folder that cannot be made or written, a vanished file
        where = f"{exc.filename}: " if exc.filename else ""
        console_err.print(f"error: {where}{exc.strerror or exc}", markup=False, highlight=False)
        sys.exit(2)
