"""tiezheng.files: evidence written whole, never over what is there, with or without hard links."""

from __future__ import annotations

import errno
import os
import stat

import pytest

from tiezheng import files


@pytest.fixture(params=["hard links", "no hard links"])
def file_system(request, monkeypatch) -> str:
    if request.param == "no hard links":

        def link(*_args, **_kwargs):
            raise OSError(errno.EPERM, os.strerror(errno.EPERM))  # as FAT and exFAT answer

        monkeypatch.setattr(os, "link", link)
    return request.param


def test_a_new_file_is_written_whole_and_nothing_is_left_beside_it(tmp_path, file_system):
    files.write_new(tmp_path / "r.tzr", b"receipt", mode=0o644)
    assert (tmp_path / "r.tzr").read_bytes() == b"receipt"
    assert stat.S_IMODE((tmp_path / "r.tzr").stat().st_mode) == 0o644
    assert [p.name for p in tmp_path.iterdir()] == ["r.tzr"]


def test_a_file_there_is_never_overwritten(tmp_path, file_system):
    (tmp_path / "r.tzr").write_bytes(b"the earlier receipt")
    with pytest.raises(FileExistsError):
        files.write_new(tmp_path / "r.tzr", b"another", mode=0o644)
    assert (tmp_path / "r.tzr").read_bytes() == b"the earlier receipt"
    assert [p.name for p in tmp_path.iterdir()] == ["r.tzr"]


def test_another_link_failure_is_not_taken_for_a_missing_feature(tmp_path, monkeypatch):
    def link(*_args, **_kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "link", link)
    with pytest.raises(OSError) as caught:
        files.write_new(tmp_path / "r.tzr", b"receipt", mode=0o644)
    assert caught.value.errno == errno.ENOSPC and list(tmp_path.iterdir()) == []
