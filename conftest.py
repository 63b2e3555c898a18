"""Root conftest: settings for every test run, notebooks included.

nbval starts each notebook's kernel from this process, so the kernel inherits
the environment set here: every ``al.widgets.Predict`` answers its default
instead of waiting for a learner, and checks that its truth is computable.
"""

import os

os.environ.setdefault("ALVIZ_AUTOANSWER", "1")
