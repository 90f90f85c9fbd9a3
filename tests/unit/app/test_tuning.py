import subprocess
import sys

import pytest

PROBE = """
import ctypes, ctypes.util
from workstation.app.tuning import tune_malloc
print(tune_malloc())
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc only")
def test_malloc_tuning_applies_on_glibc():
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "True"
