"""No test touches the user's cache folder, and no test module loads the knowledge base at import time."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from trdcli import cache

TESTS = Path(__file__).parent


def test_the_cache_folder_is_the_test_sessions(session_cache: Path) -> None:
    folder = cache.directory()
    assert folder is not None and Path(folder).resolve() == session_cache.resolve()
    home_cache = Path(os.path.expanduser("~")) / ".cache" / "trd"
    assert Path(folder).resolve() != home_cache.resolve()
    os.environ.pop("TRD_CACHE_DIR")  # even then, XDG_CACHE_HOME points inside the session's folder
    assert Path(cache.directory()).resolve().is_relative_to(session_cache.resolve())


def test_no_test_module_loads_the_knowledge_base_at_import_time() -> None:
    modules = sorted(p.stem for p in TESTS.glob("test_*.py"))
    code = (
        "import sys; sys.path.insert(0, sys.argv[1])\n"
        "from trdcli import load, cache\n"
        "def refuse(*a, **k): raise SystemExit('the knowledge base was loaded at import time')\n"
        "load.load = load.load_report = load._build = cache.write = refuse\n"
        "import importlib\n"
        "for name in sys.argv[2:]:\n"
        "    importlib.import_module(name)\n"
    )
    result = subprocess.run([sys.executable, "-c", code, str(TESTS), *modules], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
