"""An agency's desk on an in-process chain with a clock the test moves: opens matters, records steps."""

from __future__ import annotations

import time

from tiezheng.evidence_id import EvidenceId
from tiezheng.gm import SM2PrivateKey, sm3
from tiezheng.signed_statement import SignedStatement
from tiezheng.statement import Statement, document_number_hash
from tiezheng.workflow import builtin_templates, open_statement, step_statement

from .nodekit import LocalChain

TEMPLATES = {t.id: t for t in builtin_templates()}


class Clock:
    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


class Desk:
    """An agency's desk on a LocalChain: opens matters and records steps, one block each."""

    def __init__(self, chain: LocalChain, key: SM2PrivateKey, code: str) -> None:
        self.chain, self.key, self.code = chain, key, code

    def submit(self, statement: Statement) -> int:
        evidence = self.chain.node.evidence
        admitted = evidence.admission.signed_statement(SignedStatement.sign(statement, self.key).to_cbor())
        accepted = evidence.accept(admitted)
        accepted.durable.result(timeout=10)
        return accepted.indexes[0]

    def now_ms(self) -> int:
        return int(self.chain.node._clock() * 1000)

    def open(self, template: str, case: str, **parties: str) -> str:
        statement = open_statement(
            template_hash=TEMPLATES[template].hash,
            subject=sm3(case.encode()),
            agency=self.code,
            key_id=self.key.public_key().key_id,
            digest=sm3(b"application " + case.encode()),
            time_ms=self.now_ms(),
            parties={k.replace("_", "-"): v for k, v in parties.items()},
        )
        index = self.submit(statement)
        self.chain.node.produce_block()
        return str(EvidenceId("DEV", index))

    def step(self, matter: str, stage: str, decision: str = "approve", *, seal: bool = True, **options) -> int:
        state = self.chain.node.process.matter(EvidenceId.parse(matter).index)
        fields = options.pop("fields", {})
        template = self.chain.node.process.template_of(state)
        required = template.by_key[stage].fields if template.stage(stage) else ()
        defaults = {
            "opinion": sm3(b"opinion"),
            "document_no": document_number_hash("京市监〔2026〕1号", b"desk salt, 16 bytes or more"),
            "hearing": False,
        }
        for name in required:
            if name in defaults and name not in fields:
                fields[name] = defaults[name]
        statement = step_statement(
            matter=matter,
            prev=options.pop("prev", str(EvidenceId("DEV", state.last_index))),
            stage=stage,
            decision=decision,
            subject=state.subject,
            agency=self.code,
            key_id=self.key.public_key().key_id,
            after=sm3(f"{stage} after".encode()),
            before=options.pop("before", sm3(f"{stage} before".encode())),
            operator=options.pop("operator", sm3(b"official 42")),
            time_ms=options.pop("time_ms", self.now_ms()),
            fields=fields,
            **options,
        )
        index = self.submit(statement)
        if seal:
            self.chain.node.produce_block()
        return index
