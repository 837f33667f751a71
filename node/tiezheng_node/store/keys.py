"""The node's keyspaces. Every key starts with one of these bytes; the rest is the keyspace's own.

Integers in keys are 8-byte big-endian, so LevelDB's byte order is numeric order
and range scans walk heights and indexes in sequence.
"""

from __future__ import annotations

from typing import Final

EVM: Final = b"e"  # py-evm's own keys (state trie, blocks, receipts, transaction index), unchanged after the prefix
META: Final = b"m"  # node metadata: format version, genesis hash, head height
CONSENSUS_HEADER: Final = b"c"  # height → consensus header bytes
SEALS: Final = b"s"  # height → CBOR array of seals
HEADER_HASH: Final = b"h"  # SM3 header hash → height

META_FORMAT: Final = META + b"format"
META_GENESIS: Final = META + b"genesis"  # SM3 of the genesis document
META_HEAD: Final = META + b"head"  # height of the last committed block

STORE_FORMAT: Final = b"tiezheng-store/1"


def height_key(prefix: bytes, height: int) -> bytes:
    return prefix + height.to_bytes(8, "big")


# The evidence log and its indexes (see evidence/log.py). Subject, agency and kind indexes are
# posting lists: one key per block (ending with the block's first leaf index) whose value lists
# the matching leaf indexes. The digest index has one key per record and is also how admission
# finds a statement already logged, with one point lookup.
LOG_NODE: Final = b"n"  # (level ≥ 4, index) → SM3 hash of a perfect subtree; smaller ones come from the leaves
LEAF: Final = b"L"  # pack number → CBOR array of up to 256 leaf records [statement bytes, authorisation]
BATCH: Final = b"B"  # batch id (first leaf index reserved for it) → CBOR [header, signatures, size]
BATCH_STATEMENTS: Final = b"T"  # batch id ‖ chunk number (4) → CBOR array of up to 256 statements, in batch order
PENDING: Final = b"P"  # first reserved leaf index → CBOR pending submission (accepted, not yet in a block)
DIGEST_INDEX: Final = b"D"  # record digest (32) ‖ leaf hash[:8] → leaf index
SUBJECT_INDEX: Final = b"S"  # subject digest (32) ‖ block's first leaf index → leaf indexes
AGENCY_INDEX: Final = b"A"  # SM3(agency code)[:8] ‖ block's first leaf index → leaf indexes
KIND_INDEX: Final = b"K"  # SM3(kind)[:4] ‖ block's first leaf index → leaf indexes
DAILY_COUNT: Final = b"Y"  # SM3(agency code)[:8] (or 8 zero bytes: every agency) ‖ day (4) → records that day
# The process trail (see process/records.py): matters, deadlines, alerts, webhooks.
MATTER: Final = b"M"  # matter (leaf index of its opening) → matter state
DUE: Final = b"Q"  # due time ‖ matter ‖ SM3(event)[:8] → a watched deadline
ALERT: Final = b"R"  # alert (leaf index of its statement) → alert record
NOT_APPLIED: Final = b"N"  # leaf index → why a process step in the log was not applied
WEBHOOK: Final = b"W"  # webhook id → registered webhook
WEBHOOK_REMOVED: Final = b"G"  # webhook id → when it was removed (ms): what it was still owed reads as withdrawn
OUTBOX: Final = b"O"  # webhook id ‖ next attempt ‖ alert → a delivery still owed
DELIVERED: Final = b"V"  # alert ‖ webhook id → a delivery made, not yet written into its alert record
ADMIN_LINE: Final = b"U"  # signed time (8) ‖ SM3(signer ‖ line)[:16] → empty: an admin's signed line, used once
POSTING: Final = b"I"  # matter or alert ‖ facet ‖ value (8) ‖ index → empty: the filtered lists' postings
META_POSTINGS: Final = META + b"postings"  # present once every matter and alert has its postings
META_WEBHOOK_NEXT: Final = META + b"webhook-next"
META_OUTBOX_BY_WEBHOOK: Final = META + b"outbox-by-webhook"  # present once the outbox's keys start with the webhook
META_DEADLINE_CALENDAR: Final = META + b"deadline-calendar"  # SM3 of the calendar open matters' deadlines use
META_WARN_AT: Final = META + b"warn-at"  # the warning share the deadline index was built with (a big-endian double)
# Present once open matters stored before their limits counted from earlier stages were kept have them.
META_RUNNING_LIMITS: Final = META + b"running-limits"
META_LOG_SIZE: Final = META + b"log-size"
META_EVM_ANCHORS: Final = META + b"evm-anchors"  # height through which contract-anchored statements were queued


def log_node_key(level: int, index: int) -> bytes:
    return LOG_NODE + bytes((level,)) + index.to_bytes(8, "big")


def index_key(prefix: bytes, index: int) -> bytes:
    return prefix + index.to_bytes(8, "big")
