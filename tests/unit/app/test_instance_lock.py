import os
import signal
import subprocess
import sys

import pytest

from workstation.app.instance import InstanceLock, WorkspaceInUse, pid_alive

HOLDER = """
import sys, time
from pathlib import Path
from workstation.app.instance import InstanceLock
lock = InstanceLock(Path(sys.argv[1]))
lock.acquire()
print("locked", flush=True)
time.sleep(60)
"""


def _hold_in_child(folder):
    child = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(folder)], stdout=subprocess.PIPE, text=True
    )
    assert child.stdout.readline().strip() == "locked"
    return child


def test_second_holder_is_refused_while_the_first_lives(tmp_path):
    child = _hold_in_child(tmp_path)
    try:
        with pytest.raises(WorkspaceInUse, match=f"pid {child.pid}"):
            InstanceLock(tmp_path).acquire()
    finally:
        child.kill()
        child.wait()


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_lock_left_by_a_crash_is_detected_and_taken_over(tmp_path):
    child = _hold_in_child(tmp_path)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert not pid_alive(child.pid)
    lock = InstanceLock(tmp_path)
    info = lock.acquire()
    assert info.stale_holder is not None
    assert info.stale_holder["pid"] == child.pid
    assert lock.held
    lock.release()


def test_clean_release_leaves_no_stale_holder(tmp_path):
    first = InstanceLock(tmp_path)
    assert first.acquire().stale_holder is None
    first.release()
    first.release()  # harmless twice
    second = InstanceLock(tmp_path)
    assert second.acquire().stale_holder is None
    second.release()


def test_server_name_is_stable_per_folder(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    assert InstanceLock(a).server_name() == InstanceLock(a).server_name()
    assert InstanceLock(a).server_name() != InstanceLock(b).server_name()


def test_pid_alive():
    assert pid_alive(os.getpid())
    assert not pid_alive(0)
