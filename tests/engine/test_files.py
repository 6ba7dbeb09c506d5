"""The one atomic file writer: complete or nothing, durable, and no temporary file left behind."""

from __future__ import annotations

import fcntl
import os
import stat

import pytest

from pathgrad.engine import files
from pathgrad.engine.files import temporary_files, write_atomically


def test_writes_the_bytes_into_a_new_folder_with_the_usual_permissions(tmp_path):
    target = tmp_path / "new" / "figure.svg"
    umask = os.umask(0o022)
    try:
        assert write_atomically(target, b"<svg/>") == target
    finally:
        os.umask(umask)
    assert target.read_bytes() == b"<svg/>"
    assert target.stat().st_mode & 0o777 == 0o644
    assert list(target.parent.iterdir()) == [target]


def test_the_file_is_synced_before_the_rename_and_the_folder_after(tmp_path, monkeypatch):
    events = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(descriptor):
        events.append("fsync folder" if stat.S_ISDIR(os.fstat(descriptor).st_mode) else "fsync file")
        real_fsync(descriptor)

    def replace(source, target):
        events.append("rename")
        real_replace(source, target)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    write_atomically(tmp_path / "net.json", b"{}")
    assert events == ["fsync file", "rename", "fsync folder"]


@pytest.mark.parametrize("failing", ["write", "fsync", "replace"])
@pytest.mark.parametrize("error", [OSError(28, "No space left on device"), KeyboardInterrupt()])
def test_any_exception_leaves_the_old_file_and_no_temporary_file(tmp_path, monkeypatch, failing, error):
    target = tmp_path / "net.json"
    target.write_bytes(b"old")

    def fail(*args):
        raise error

    monkeypatch.setattr(os, failing, fail)
    with pytest.raises(type(error)):
        write_atomically(target, b"new")
    monkeypatch.undo()
    assert target.read_bytes() == b"old"
    assert list(tmp_path.iterdir()) == [target]


def test_a_dead_writers_temporary_file_is_removed_and_a_live_writers_is_kept(tmp_path):
    target = tmp_path / "net.json"
    dead = tmp_path / ".net.json.0123456789ab.tmp"
    live = tmp_path / ".net.json.ba9876543210.tmp"
    unrelated = tmp_path / ".other.json.0123456789ab.tmp"
    for path in (dead, live, unrelated):
        path.write_bytes(b"half a fi")
    assert temporary_files(target) == [dead, live]
    with open(live, "rb") as held:  # another writer, still at work, holds the lock on its file
        fcntl.flock(held, fcntl.LOCK_EX)
        write_atomically(target, b"whole")
    assert sorted(tmp_path.iterdir()) == sorted([target, live, unrelated])
    write_atomically(target, b"whole again")
    assert sorted(tmp_path.iterdir()) == sorted([target, unrelated])


def test_a_temporary_file_taken_by_another_writers_clean_up_is_made_again(tmp_path, monkeypatch):
    """Between creating its file and locking it, a writer can lose the file to a clean-up."""
    target = tmp_path / "net.json"
    real_lock, lost = files._lock, []

    def lock_after_a_clean_up(descriptor, *, wait):
        if not lost:
            (name,) = temporary_files(target)
            name.unlink()  # what another writer's _remove_stale does to an unlocked file
            lost.append(name)
        return real_lock(descriptor, wait=wait)

    monkeypatch.setattr(files, "_lock", lock_after_a_clean_up)
    write_atomically(target, b"whole")
    assert target.read_bytes() == b"whole" and lost
    assert list(tmp_path.iterdir()) == [target]
