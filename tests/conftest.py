"""Shared test set-up: every test gets its own data directory, never the developer's."""

import os
import tempfile

os.environ.setdefault("TUTORIAL_DATA_DIR", tempfile.mkdtemp(prefix="tutorial-test-"))
