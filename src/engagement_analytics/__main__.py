"""``python -m engagement_analytics``: the same as the ``engagement-analytics`` command."""

from .cli import main

main()
