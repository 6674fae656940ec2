"""nbval checks these notebooks against their committed outputs, which come from data/sample.

``make lab BUNDLE=...`` (or a shell) may have set the variable every notebook reads its
default bundle from; the kernels nbval starts inherit this process's environment, so it
is removed here, before any kernel starts.
"""

import os

os.environ.pop("ENGAGEMENT_ANALYTICS_BUNDLE", None)
