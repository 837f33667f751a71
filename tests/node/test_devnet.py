"""Creating a dev directory: all or nothing, whenever it is interrupted."""

from __future__ import annotations

import json
import os

import pytest

from tiezheng.genesis import Genesis
from tiezheng.gm import keystore
from tiezheng_node.devnet import DEV_PASSPHRASE, STAGING, DevLayout, _write_devnet, create_devnet, tidy
from tiezheng_node.store import StoreError


def assert_complete(layout: DevLayout) -> None:
    assert layout.exists() and not (layout.data_dir / STAGING).exists()
    genesis = Genesis.load(layout.genesis)
    validator = keystore.load(layout.validator_key, DEV_PASSPHRASE)
    assert validator.public_key().to_bytes() in {v.public_key.to_bytes() for v in genesis.validators.validators}
    accounts = json.loads(layout.accounts.read_text())["accounts"]
    for account in accounts:
        if account["sm2_keystore"]:
            assert (layout.data_dir / account["sm2_keystore"]).exists()


def test_a_new_directory_is_created_whole(tmp_path):
    assert_complete(create_devnet(tmp_path / "new" / "dev", kdf_iterations=1_000))


def test_an_empty_directory_is_used_in_place(tmp_path):
    # A container's data volume is an existing, empty mount point: it cannot be renamed over.
    assert_complete(create_devnet(tmp_path, kdf_iterations=1_000))


def test_a_directory_holding_other_things_is_refused_untouched(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(StoreError, match="not empty"):
        create_devnet(tmp_path, kdf_iterations=1_000)
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]
    (tmp_path / "file").write_text("")
    with pytest.raises(StoreError, match="is a file"):
        create_devnet(tmp_path / "file", kdf_iterations=1_000)


def test_a_creation_interrupted_while_writing_is_started_over(tmp_path):
    left = tmp_path / STAGING / "keys"
    left.mkdir(parents=True)
    (left / "agency.key").write_text("half a keystore")
    layout = create_devnet(tmp_path, kdf_iterations=1_000)
    assert_complete(layout)
    assert keystore.load(layout.agency_key, DEV_PASSPHRASE)


def test_a_creation_interrupted_while_moving_is_finished_with_the_staged_files(tmp_path):
    staging = tmp_path / STAGING
    staging.mkdir()
    os.replace(_write_devnet(staging, block_interval_ms=1000, kdf_iterations=1_000), staging / "dev-accounts.json")
    staged_genesis = (staging / "genesis.json").read_bytes()
    (staging / "keys").rename(tmp_path / "keys")  # the first move happened, then the process died
    layout = create_devnet(tmp_path, kdf_iterations=1_000)
    assert_complete(layout)
    assert layout.genesis.read_bytes() == staged_genesis  # finished, not made anew: the keys match the genesis


def test_a_creation_interrupted_before_its_accounts_file_was_named_is_started_over(tmp_path):
    # Every file written, the accounts file still under its temporary name: not complete, so made anew.
    staging = tmp_path / STAGING
    staging.mkdir()
    unfinished = _write_devnet(staging, block_interval_ms=1000, kdf_iterations=1_000)
    unfinished.write_text("")  # as a crash before its contents reached the disk would leave it
    staged_genesis = (staging / "genesis.json").read_bytes()
    layout = create_devnet(tmp_path, kdf_iterations=1_000)
    assert_complete(layout)
    assert layout.genesis.read_bytes() != staged_genesis
    assert json.loads(layout.accounts.read_text())["accounts"]


def test_the_empty_staging_left_after_the_last_move_is_tidied(tmp_path):
    layout = create_devnet(tmp_path, kdf_iterations=1_000)
    (tmp_path / STAGING).mkdir()
    tidy(tmp_path)
    assert_complete(layout)
    (tmp_path / STAGING).mkdir()
    (tmp_path / STAGING / "something").write_text("not ours to remove")
    tidy(tmp_path)
    assert (tmp_path / STAGING / "something").exists()


def test_a_fresh_volumes_lost_and_found_does_not_make_it_non_empty(tmp_path):
    (tmp_path / "lost+found").mkdir()
    assert_complete(create_devnet(tmp_path, kdf_iterations=1_000))
