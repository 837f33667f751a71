"""Receipts: everything a court needs to prove one record offline, in one CBOR file.

A receipt holds the statement and its signatures (or its batch envelope's
signed header and audit path), the statement's leaf index and evidence ID, the
inclusion proof to the evidence log's root, the consensus header carrying that
root, the validators' seals over it, and any validator-set hand-overs since
genesis. Together with a genesis the verifier trusts, nothing else is needed:
no node, no network. The format is in docs/receipt-format.md (CDDL).

Version 2 goes with consensus header v2 (an array), version 1 with header v1: a
node issues the one that goes with the header that sealed the record. It has the
same fields as version 1 in a compact form (audit paths as one byte string,
seals, signatures and the batch proof as arrays); with its header, about 280
bytes less for a batched record. Version 1 receipts are read and verified as
before: a court may hold one for decades.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from . import cbor, files
from .batch import BatchProof
from .errors import TiezhengError
from .files import open_regular
from .header import MAX_HEADER_SIZE, Seal, ValidatorTransition, seals_from_value, seals_to_value
from .jsondoc import check_nesting, no_duplicates
from .schema import FieldError, MapReader, check_version, object_fields
from .signing import Signature, signatures_from_value, signatures_to_value
from .statement import MAX_STATEMENT_SIZE

FORMAT: Final = "tiezheng-receipt"
VERSION: Final = 2
VERSIONS: Final = (1, 2)
MAX_RECEIPT_SIZE: Final = 64 * 1024
#: A receipt file, CBOR or its JSON rendering (base64 and names make that larger): the browser's limit too.
MAX_RECEIPT_FILE: Final = 2 * MAX_RECEIPT_SIZE
MAX_PROOF_LENGTH: Final = 64
MAX_TRANSITIONS: Final = 256
FILE_SUFFIX: Final = ".tzr"


class ReceiptError(FieldError):
    code = "bad-receipt"


@dataclass(frozen=True)
class ChainRef:
    chain_id: int
    chain_code: str
    genesis_hash: bytes

    def to_value(self, *, compact: bool) -> dict[str, Any] | list[Any]:
        if compact:
            return [self.chain_id, self.chain_code, self.genesis_hash]
        return {"id": self.chain_id, "code": self.chain_code, "genesis": self.genesis_hash}

    @classmethod
    def from_value(cls, value: Any, *, compact: bool) -> ChainRef:
        what = "receipt.chain"
        chain = object_fields(value, what, CHAIN_FIELDS, compact=compact)
        ref = cls(chain.uint("id"), chain.text("code", max_length=8), chain.bytes("genesis", size=32))
        chain.finish()
        return ref


CHAIN_FIELDS: Final = ("id", "code", "genesis")


@dataclass(frozen=True)
class Receipt:
    chain: ChainRef
    evidence_id: str
    statement: bytes
    signatures: tuple[Signature, ...]
    batch: BatchProof | None
    leaf_index: int
    inclusion: tuple[bytes, ...]
    header: bytes
    seals: tuple[Seal, ...]
    transitions: tuple[ValidatorTransition, ...] = ()
    version: int = VERSION

    @property
    def header_version(self) -> int:
        """The consensus header version this receipt version carries: nodes write a v1 receipt for a block sealed
        under a v1 header and a v2 receipt for a v2 header, and verifiers accept no other pairing."""
        return self.version

    def to_value(self) -> dict[str, Any]:
        compact = self.version != 1
        value: dict[str, Any] = {
            "v": self.version,
            "format": FORMAT,
            "hash": "sm3",
            "signature": "sm2-sm3",
            "chain": self.chain.to_value(compact=compact),
            "id": self.evidence_id,
            "statement": self.statement,
            # v1 always has "signatures" (empty for a batched record); v2 has it or "batch", never both.
            "signatures": signatures_to_value(self.signatures, compact=compact),
            "leaf": self.leaf_index,
            "inclusion": b"".join(self.inclusion) if compact else list(self.inclusion),
            "header": self.header,
            "seals": seals_to_value(self.seals, compact=compact),
        }
        if compact and not self.signatures:
            del value["signatures"]
        if self.batch is not None:
            value["batch"] = self.batch.to_value(compact=compact)
        if self.transitions:
            value["transitions"] = [t.to_value(compact=compact) for t in self.transitions]
        return value

    def to_cbor(self) -> bytes:
        return cbor.encode(self.to_value())

    @classmethod
    def from_cbor(cls, data: bytes) -> Receipt:
        value = cbor.decode(data, max_size=MAX_RECEIPT_SIZE, what="receipt")
        reader = MapReader(value, "receipt")
        if reader.text("format", max_length=32) != FORMAT:
            raise ReceiptError(f'not a receipt: "format" must be "{FORMAT}"')
        version = reader.uint("v")
        check_version(version, VERSIONS, "receipt", ReceiptError)
        compact = version == 2
        if reader.text("hash", max_length=16) != "sm3":
            raise reader.error("hash", "must be 'sm3'")
        if reader.text("signature", max_length=16) != "sm2-sm3":
            raise reader.error("signature", "must be 'sm2-sm3'")
        chain_ref = ChainRef.from_value(reader.any("chain"), compact=compact)
        batch_value = reader.any("batch", optional=True)
        transitions = reader.list("transitions", optional=True, max_items=MAX_TRANSITIONS)
        if transitions == []:
            raise reader.error("transitions", "must be left out when there are none, not empty")
        transitions = transitions or []
        receipt = cls(
            version=version,
            chain=chain_ref,
            evidence_id=reader.text("id", max_length=32),
            statement=reader.bytes("statement", max_size=MAX_STATEMENT_SIZE),
            signatures=_signatures(reader, compact),
            batch=(
                BatchProof.from_value(batch_value, "receipt.batch", compact=compact)
                if batch_value is not None
                else None
            ),
            leaf_index=reader.uint("leaf"),
            inclusion=tuple(reader.hashes("inclusion", max_items=MAX_PROOF_LENGTH, packed=compact)),
            header=reader.bytes("header", max_size=MAX_HEADER_SIZE),
            seals=seals_from_value(reader.list("seals"), "receipt.seals", compact=compact),
            transitions=tuple(
                ValidatorTransition.from_value(t, f"receipt.transitions[{i}]", compact=compact)
                for i, t in enumerate(transitions)
            ),
        )
        reader.finish()
        if receipt.batch is None and not receipt.signatures:
            raise ReceiptError("receipt has neither the statement's signatures nor a batch proof")
        if receipt.batch is not None and receipt.signatures:
            raise ReceiptError("receipt has both direct signatures and a batch proof; it must have one")
        return receipt

    # JSON rendering: the same structure, byte strings as base64 (the CBOR file is authoritative).

    def to_json(self) -> str:
        return json.dumps(_jsonable(self.to_value()), indent=2, ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, text: str | bytes) -> Receipt:
        """Parse the JSON rendering; byte strings are base64 under {"b64": …}."""
        try:
            if isinstance(text, bytes):
                # UTF-8 only (RFC 8259 §8.1), a byte order mark passed over, as a browser's TextDecoder does.
                text = text.removeprefix(UTF8_BOM).decode("utf-8")
            check_nesting(text, "receipt JSON", ReceiptError)
            # A key named twice would read as one value here and as another in a reader keeping the first.
            value = json.loads(text, object_pairs_hook=no_duplicates)
            return cls.from_cbor(cbor.encode(_from_jsonable(value)))
        except (json.JSONDecodeError, UnicodeDecodeError, RecursionError, ValueError, OverflowError) as exc:
            raise ReceiptError(f"receipt JSON is not valid: {str(exc)[:200]}") from None

    @classmethod
    def load(cls, path: str | Path) -> Receipt:
        """A receipt file, CBOR or its JSON rendering."""
        try:
            with open_regular(path) as file:
                data = file.read(MAX_RECEIPT_FILE + 1)  # no more: the path may name a device without end
        except OSError as exc:
            raise ReceiptError(f"cannot read receipt {path}: {exc.strerror}", code="unreadable") from None
        return cls.from_file_bytes(data)

    @classmethod
    def from_file_bytes(cls, data: bytes) -> Receipt:
        """A receipt file's bytes, CBOR or its JSON rendering, told apart as the browser's verifier does."""
        if len(data) > MAX_RECEIPT_FILE:
            raise ReceiptError(f"a receipt file is at most {MAX_RECEIPT_FILE} bytes", code="too-large")
        # JSON when "{" comes first past a byte order mark and JSON's whitespace; a CBOR receipt, a
        # map, never starts so.
        if data.removeprefix(UTF8_BOM).lstrip(JSON_WHITESPACE)[:1] == b"{":
            return cls.from_json(data)
        return cls.from_cbor(data)

    def save(self, path: str | Path, *, overwrite: bool = False) -> None:
        """Write the receipt's CBOR to ``path``, whole or not at all; an existing file is kept (a receipt handed to
        a court is not replaced by accident): TiezhengError ``exists``, unless ``overwrite``."""
        if overwrite:
            files.replace(path, self.to_cbor())
            return
        try:
            files.write_new(path, self.to_cbor(), mode=0o644)
        except FileExistsError:
            raise TiezhengError(
                f"{path} exists: a receipt is not written over another file (overwrite=True replaces it)",
                code="exists",
            ) from None


def _signatures(reader: MapReader, compact: bool) -> tuple[Signature, ...]:
    """The statement's signatures: always listed in v1 (empty for a batched record), left out in v2 instead."""
    listed = reader.list("signatures", optional=compact)
    if compact and listed == []:
        raise reader.error("signatures", "must be left out of a batched record's receipt, not empty")
    return signatures_from_value(listed or [], "receipt.signatures", compact=compact)


UTF8_BOM: Final = b"\xef\xbb\xbf"
JSON_WHITESPACE: Final = b" \t\n\r"  # RFC 8259 §2


def _jsonable(value: Any) -> Any:
    if isinstance(value, bytes):
        return {"b64": base64.b64encode(value).decode("ascii")}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


def _from_jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {"b64"} and isinstance(value["b64"], str):
            text = value["b64"]
            try:
                data = base64.b64decode(text, validate=True)
            except ValueError:
                raise ReceiptError("receipt JSON has invalid base64") from None
            # One spelling of each byte string (padded, no stray "=", unused bits zero), as the
            # browser's verifier requires: the JSON rendering is as strict as the CBOR it renders.
            if base64.b64encode(data).decode("ascii") != text:
                raise ReceiptError("receipt JSON has base64 not in its one standard form")
            return data
        return {k: _from_jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_from_jsonable(v) for v in value]
    if isinstance(value, float):
        raise ReceiptError("receipt JSON must not contain fractional numbers")
    if type(value) is int and not -(2**64) <= value < 2**64:
        raise ReceiptError("receipt JSON has an integer outside CBOR's range (-2^64 to 2^64 - 1)")
    return value
