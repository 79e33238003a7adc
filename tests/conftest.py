"""Shared test set-up: every test gets its own data directory, never the developer's, and the
helpers in this folder (``live_site``) can be imported from every test package."""

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("TUTORIAL_DATA_DIR", tempfile.mkdtemp(prefix="tutorial-test-"))
sys.path.insert(0, str(Path(__file__).parent))
