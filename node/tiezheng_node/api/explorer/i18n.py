"""The explorer's words in Chinese (the default) and English, looked up by key.

A request's language comes from ``?lang=`` (which also sets a cookie), then the
cookie, then Chinese. Every key has both languages; a test keeps it so.
"""

from __future__ import annotations

from typing import Final, Literal

Language = Literal["zh", "en"]
LANGUAGES: Final[tuple[Language, ...]] = ("zh", "en")
DEFAULT: Final[Language] = "zh"
COOKIE: Final = "tz_lang"

MESSAGES: Final[dict[str, tuple[str, str]]] = {
    # Frame
    "site": ("铁证 区块链存证浏览器", "Tiezheng evidence explorer"),
    "nav.home": ("首页", "Home"),
    "nav.blocks": ("区块", "Blocks"),
    "nav.evidence": ("存证", "Evidence"),
    "nav.agencies": ("机构", "Agencies"),
    "nav.validators": ("验证节点", "Validators"),
    "nav.log": ("存证日志", "Evidence log"),
    "nav.verify": ("核验", "Verify"),
    "nav.matters": ("办件", "Matters"),
    "nav.alerts": ("预警", "Alerts"),
    "search.placeholder": (
        "存证编号、文件摘要、区块高度或哈希、交易哈希、机构代码",
        "Evidence ID, digest, block height or hash, transaction hash, agency code",
    ),
    "search.button": ("搜索", "Search"),
    "language.other": ("English", "中文"),
    "footer.genesis": ("创世哈希", "Genesis hash"),
    "footer.chain": ("链", "Chain"),
    "footer.chain_id": ("链标识", "chain id"),
    "genesis": ("创世", "genesis"),
    "footer.privacy": (
        "链上只有摘要与假名化标识，不含个人信息。",
        "The chain holds digests and pseudonymous identifiers only, never personal data.",
    ),
    "live": ("实时更新", "Live"),
    "live.off": ("已断开，正在重连…", "Disconnected, reconnecting…"),
    "older": ("更早 →", "Older →"),
    "newer": ("← 更新", "← Newer"),
    "first_page": ("← 最新", "← Latest"),
    "none": ("无", "none"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    # Home
    "home.head": ("最新树头", "Latest tree head"),
    "home.latest_blocks": ("最新区块", "Latest blocks"),
    "home.latest_evidence": ("最新存证", "Latest evidence"),
    "home.records_per_day": ("近 30 天每日存证数", "Records per day, last 30 days"),
    "home.pending": ("待打包记录", "Records waiting for a block"),
    # Fields
    "height": ("高度", "Height"),
    "time": ("时间", "Time"),
    "block_time": ("上链时间", "Block time"),
    "claimed_time": ("机构申报时间", "Time claimed by the agency"),
    "hash": ("哈希", "Hash"),
    "records": ("存证数", "Records"),
    "transactions": ("交易数", "Transactions"),
    "log_size": ("日志规模", "Log size"),
    "log_root": ("日志根 (SM3)", "Log root (SM3)"),
    "sealed_by": ("共识签名", "Sealed by"),
    "parent": ("父区块", "Parent"),
    "execution": ("执行层区块哈希", "Execution block hash"),
    "round": ("共识轮次", "Round"),
    "validators_hash": ("验证节点集合哈希", "Validator set hash"),
    "next_validators_hash": ("下一验证节点集合哈希", "Next validator set hash"),
    "evidence_id": ("存证编号", "Evidence ID"),
    "kind": ("类型", "Kind"),
    "agency": ("机构", "Agency"),
    "stage": ("环节", "Stage"),
    "digest": ("文件摘要 (SM3)", "Record digest (SM3)"),
    "subject": ("办件标识 (SM3)", "Subject pseudonym (SM3)"),
    "digest.is_subject": (
        "未附文书：此处即办件标识，同一办件的其他无文书记录与之相同",
        "no document: this is the subject pseudonym, shared by the matter's other records without one",
    ),
    "operator": ("经办人假名 (SM3)", "Operator pseudonym (SM3)"),
    "prev": ("上一环节", "Previous step"),
    "meta": ("附加字段", "Extra fields"),
    "meta-bytes": ("字节", "bytes"),
    "statement_hash": ("声明哈希 (SM3)", "Statement hash (SM3)"),
    "leaf": ("日志叶子哈希 (SM3) · 叶子序号", "Leaf hash (SM3) · leaf index"),
    "header.raw": (
        "区块头原文（CBOR，base64），即共识签名所签的字节",
        "The consensus header (CBOR, base64): the bytes the seals sign",
    ),
    "status": ("状态", "Status"),
    "status.proven": ("已上链", "proven"),
    "status.accepted": ("已受理，待打包", "accepted, waiting for a block"),
    "signers": ("签名方", "Signed by"),
    "role": ("角色", "Role"),
    "signer.agency": ("机构", "agency"),
    "signer.official": ("经办人", "official"),
    "signer.reviewer": ("审核人", "reviewer"),
    "signer.approver": ("审批人", "approver"),
    "signer.notary": ("公证员", "notary"),
    "signer.witness": ("见证人", "witness"),
    "signer.supervisor": ("监督方", "supervisor"),
    "key_id": ("密钥标识 (SM3)", "Key id (SM3)"),
    "public_key": ("SM2 公钥", "SM2 public key"),
    "signature": ("签名", "Signature"),
    "batch": ("批量存证", "Batch"),
    "batch.member": ("批次中第 {position} 条，共 {size} 条", "statement {position} of {size} in its batch"),
    "batch.first": ("批次首条", "the batch's first"),
    "receipt.download": ("下载存证回执 (.tzr)", "Download the receipt (.tzr)"),
    "receipt.json": ("回执 JSON", "Receipt as JSON"),
    "certificate": ("存证证书", "Certificate"),
    "certificate.pdf": ("存证证书 PDF", "Certificate PDF"),
    "verify.this": ("核验此存证", "Verify this record"),
    "block": ("区块", "Block"),
    "seals": ("共识签名 (SM2)", "Seals (SM2)"),
    "seal.validator": ("验证节点", "Validator"),
    "seal.verified": ("签名有效", "signature verifies"),
    "seal.invalid": ("签名无效", "signature does not verify"),
    "block.evidence": ("本区块存证", "Evidence in this block"),
    "block.transactions": ("执行层交易", "EVM transactions"),
    "block.no_evidence": ("本区块没有存证。", "No evidence in this block."),
    "block.no_transactions": ("本区块没有交易。", "No transactions in this block."),
    "tx": ("交易", "Transaction"),
    "tx.from": ("发送方", "From"),
    "tx.to": ("接收方", "To"),
    "tx.nonce": ("交易计数 (nonce)", "Nonce"),
    "tx.gas_used": ("消耗 gas", "Gas used"),
    "tx.status": ("执行结果", "Result"),
    "tx.success": ("成功", "success"),
    "tx.failed": ("失败", "failed"),
    "tx.logs": ("事件日志", "Logs"),
    "tx.create": ("（创建合约）", "(contract creation)"),
    "tx.index": ("区块内位置", "Position in block"),
    # Evidence list
    "evidence.title": ("存证记录", "Evidence"),
    "evidence.filter": ("筛选", "Filter"),
    "evidence.all_kinds": ("全部类型", "All kinds"),
    "filter.unknown": (
        "没有“{value}”这一{what}可供筛选，因此下表为空。",
        "There is no {what} “{value}” to filter by, so the list below is empty.",
    ),
    "evidence.pending_note": (
        "该记录已受理并分配编号，尚未写入区块；写入后即可下载回执。",
        "This record is accepted and numbered but not in a block yet; its receipt is available once it is.",
    ),
    "evidence.same_digest": ("同一文件摘要的其他存证", "Other records of the same digest"),
    # Agencies
    "agencies.title": ("存证机构", "Agencies"),
    "agency.code": ("机构代码", "Code"),
    "agency.name": ("名称", "Name"),
    "agency.account": ("链上账户", "Account"),
    "agency.active": ("状态", "Status"),
    "agency.state.active": ("有效", "active"),
    "agency.state.revoked": ("已撤销", "revoked"),
    "agency.history": ("登记与撤销记录", "Registration and revocation"),
    "agency.registered": ("登记", "registered"),
    "agency.revoked": ("撤销", "revoked"),
    "agency.records": ("该机构最新存证", "Latest records of this agency"),
    "agency.per_day": ("近 30 天每日存证数", "Records per day, last 30 days"),
    "agency.revoked_note": (
        "撤销只影响此后的存证；此前已受理的记录仍可验证。",
        "Revocation stops new records; records admitted before it still verify.",
    ),
    # Validators
    "validators.title": ("验证节点", "Validators"),
    "validators.quorum": ("法定签名数", "Quorum"),
    "validators.index": ("序号", "Position"),
    "validators.name": ("名称", "Name"),
    "validators.last_sealed": ("最近签名的区块", "Last block sealed"),
    "validators.note": (
        "每个区块头须由不少于 ⌈2N/3⌉ 个验证节点以 SM2 签名；回执中的共识签名即据此核验。",
        "Each block header must be sealed with SM2 by at least ⌈2N/3⌉ validators; receipts are checked against them.",
    ),
    # Log
    "log.title": ("存证日志 (RFC 9162, SM3)", "Evidence log (RFC 9162, SM3)"),
    "log.head": ("当前树头", "Current tree head"),
    "log.history": ("历史树头", "Tree head history"),
    "log.consistency": ("一致性检查（只增不改）", "Consistency check (append-only)"),
    "log.consistency.note": (
        "在浏览器中取得两个区块的已签名树头，核验验证节点签名，再核验两者之间的一致性证明：证明较早的日志是较晚日志的前缀，记录未被修改或删除。",
        "Fetches the two blocks' sealed tree heads, checks the validators' seals in this browser, then checks the "
        "consistency proof between them: the earlier log is a prefix of the later one, nothing was changed or removed.",
    ),
    "log.old_height": ("较早区块高度", "Earlier block height"),
    "log.new_height": ("较晚区块高度", "Later block height"),
    "log.check": ("检查", "Check"),
    "log.check.genesis": ("创世文件 {hash}…，{validators} 个验证节点", "genesis {hash}…, {validators} validators"),
    "log.check.head": (
        "区块 {height}：日志大小 {size}，根 {root}…，{seals} 个签章验证通过",
        "block {height}: log size {size}, root {root}…, {seals} seals verify",
    ),
    "log.check.empty": ("较早的日志为空：任何日志都是它的延续", "the earlier log is empty: every log extends it"),
    "log.check.consistent": (
        "{hashes} 个哈希的一致性证明（大小 {old} → {new}）：较早的日志是较晚日志的前缀",
        "consistency proof of {hashes} hashes from size {old} to {new}: the earlier log is a prefix of the later one",
    ),
    "log.check.inconsistent": (
        "{hashes} 个哈希的一致性证明（大小 {old} → {new}）未通过验证",
        "consistency proof of {hashes} hashes from size {old} to {new} does NOT verify",
    ),
    "log.check.foreign_set": (
        "区块 {height} 由创世验证节点集以外的节点集签章，本页只核验创世节点集",
        "block {height} is sealed by a validator set other than the genesis set, the only one this page checks",
    ),
    "log.check.failed": ("检查未完成：{reason}", "the check could not finish: {reason}"),
    # Matters, alerts, reports
    "nav.reports": ("报表", "Reports"),
    "matters.title": ("办件", "Matters"),
    "matter": ("办件", "Matter"),
    "matter.template": ("流程模板", "Template"),
    "matter.owner": ("主办机构", "Owner"),
    "matter.parties": ("协办机构", "Other agencies"),
    "matter.opened": ("立项时间", "Opened"),
    "matter.status": ("状态", "Status"),
    "matter.status.open": ("办理中", "open"),
    "matter.status.closed": ("已结束", "closed"),
    "matter.current": ("当前环节", "Current stage"),
    "matter.stage_deadline": ("本环节时限", "Stage deadline"),
    "matter.deadline": ("总时限", "Overall deadline"),
    "matter.running": ("{stage}时限", "{stage} due"),
    "matter.counted_from": ("自{stage}完成起算", "counted from {stage}"),
    "matter.timeline": ("办理轨迹", "Timeline"),
    "matter.open_step": ("立项", "opened"),
    "matter.not_applied": ("未计入办件：{reason}", "not applied to the matter: {reason}"),
    "matter.step": ("环节记录", "Step"),
    "matter.decision": ("处理结果", "Decision"),
    "matter.activated": ("开始", "Started"),
    "matter.sealed": ("完成（上链）", "Done (sealed)"),
    "matter.on_time": ("按时", "on time"),
    "matter.overdue": ("超时", "overdue"),
    "matter.in_progress": ("办理中", "in progress"),
    "matter.late_now": ("已超时", "overdue now"),
    "matter.outcome": ("结果", "Outcome"),
    "matter.closed": ("结束时间", "Closed"),
    "matter.close_step": ("结束", "closed"),
    "outcome.completed": ("办结", "completed"),
    "outcome.rejected": ("不予办理", "rejected"),
    "outcome.withdrawn": ("撤回", "withdrawn"),
    "matter.none": ("暂无办件。", "No matters yet."),
    "calendar.gap": (
        "本链登记的工作日历未列出 {year} 年的节假日与调休：在登记新日历前，落在 {year} 年的时限只扣除周末。",
        "The working-day calendar registered on this chain does not list {year}'s public holidays and make-up "
        "days: until one that does is registered, deadlines in {year} skip weekends only.",
    ),
    "decision.approve": ("通过", "approve"),
    "decision.return": ("退回", "return"),
    "decision.reject": ("不予", "reject"),
    "alerts.title": ("超时预警", "Overdue alerts"),
    "alert": ("预警", "Alert"),
    "alert.severity": ("级别", "Severity"),
    "alert.severity.red": ("红色预警（已超时）", "red (deadline passed)"),
    "alert.severity.warning": ("黄色提醒（临近时限）", "warning (deadline near)"),
    "alert.scope": ("范围", "Scope"),
    "alert.scope.stage": ("环节", "stage"),
    "alert.scope.matter": ("整个办件", "whole matter"),
    "alert.responsible": ("责任机构", "Responsible agency"),
    "alert.raised": ("发出时间", "Raised"),
    "alert.status": ("处理状态", "Status"),
    "alert.status.open": ("待处理", "open"),
    "alert.status.acknowledged": ("已知悉", "acknowledged"),
    "alert.status.resolved": ("已解除", "resolved"),
    "alert.acknowledged_by": ("{by} 于 {at} 知悉", "by {by} at {at}"),
    "alert.none": ("暂无预警。", "No alerts."),
    "alert.note": (
        "每条预警本身也是存证日志中的一条记录（由节点的监督密钥以 SM2 签名），可下载回执离线核验。",
        "Each alert is itself a record of the evidence log, signed with SM2 by the node's supervision key: its receipt verifies offline.",
    ),
    "reports.title": ("办结时长监测", "Processing-time report"),
    "reports.by_agency": ("按机构", "By agency"),
    "reports.by_template": ("按流程", "By template"),
    "reports.by_stage": ("按环节", "By stage"),
    "reports.matters": ("立项数", "Matters"),
    "reports.closed": ("结束", "Closed"),
    "reports.completed": ("办结", "Completed"),
    "reports.open": ("在办", "Open"),
    "reports.matters_late": ("超期事项", "Late"),
    "reports.steps": ("环节数", "Stages done"),
    "reports.whole_matter": ("整体办理时限", "Whole matter's time limit"),
    "reports.matter_on_time": ("按时办结率", "Completed on time"),
    "reports.matter_average": ("平均办结用时（小时）", "Matter average (h)"),
    "reports.matter_p90": ("90% 办结用时（小时）", "Matter p90 (h)"),
    "reports.on_time_rate": ("环节按时率", "Stages on time"),
    "reports.average": ("环节平均用时（小时）", "Stage average (h)"),
    "reports.p90": ("环节 90% 用时（小时）", "Stage p90 (h)"),
    "reports.overdue": ("超时预警", "Overdue alerts"),
    "reports.csv": ("导出 CSV", "Export CSV"),
    "reports.note": (
        "按时办结率 = 按时办结 ÷（按时办结 + 超期事项）。每件有整体时限的事项只计一次：期限前办结，计入办结所在期间；"
        "期限已过仍未办结，计入超期所在期间，此后无论办结、撤回或仍在办，都不再改变。“在办”指期间结束时仍在办理的事项。",
        "Completed on time = on time ÷ (on time + late). Each matter with an overall time limit counts once: on time "
        "in the period it was completed before its limit, late in the period its limit passed while it was open, "
        "whatever became of it after. Open: still open at the period's end.",
    ),
    "reports.period": ("统计期间（按上链时间，北京时间）", "Period (by block time, UTC+8)"),
    "reports.from": ("起始日期", "From"),
    "reports.to": ("截止日期", "To"),
    "reports.apply": ("统计", "Show"),
    "reports.all_time": ("全部时间", "all time"),
    "reports.bad_period": (
        "统计期间无法识别：日期应为 YYYY-MM-DD（1970 年以后），且起始日期不晚于截止日期。下面是全部时间的统计。",
        "That period does not read: dates are YYYY-MM-DD (from 1970 on), and the first is not after the last. "
        "Below is all time.",
    ),
    # Search
    "search.title": ("搜索", "Search"),
    "search.mistyped": (
        "“{query}” 的校验位不符，可能输入有误，请核对存证编号。",
        "“{query}” fails its checksum: it was probably mistyped. Please check the evidence ID.",
    ),
    "search.wrong_chain": (
        "“{query}” 是链 {chain} 的存证编号，本链为 {this}。",
        "“{query}” is an evidence ID of chain {chain}; this is chain {this}.",
    ),
    "search.not_found": ("没有找到 “{query}”。", "Nothing found for “{query}”."),
    "search.not_recognised": (
        "无法识别 “{query}”：请输入存证编号、64 位十六进制摘要或哈希、区块高度或机构代码。",
        "“{query}” is not recognised: enter an evidence ID, a 64-digit hex digest or hash, a block height or an "
        "agency code.",
    ),
    "search.empty": (
        "请输入要查找的内容：存证编号、文件摘要、区块高度或哈希、交易哈希或机构代码。",
        "Type what to look for: an evidence ID, a record digest, a block height or hash, a transaction hash or an "
        "agency code.",
    ),
    "search.too_long": (
        "输入过长：搜索框最多接受 {limit} 个字符，所能查找的内容都比这短。",
        "That is too long: the search box takes at most {limit} characters, and everything it finds is shorter.",
    ),
    "search.many": ("“{query}” 对应多条存证：", "Several records match “{query}”:"),
    "search.many_more": (
        "“{query}” 对应 {count} 条存证，以下为最早的 {shown} 条（全部：/v1/evidence?digest={digest}）：",
        "{count} records match “{query}”; the earliest {shown} are listed (all of them: /v1/evidence?digest={digest}):",
    ),
    "search.countless": (
        "“{query}” 对应超过 {count} 条存证，以下列出其中 {shown} 条（全部：/v1/evidence?digest={digest}）：",
        "More than {count} records match “{query}”; {shown} of them are listed "
        "(all of them: /v1/evidence?digest={digest}):",
    ),
    "search.malformed": (
        "“{query}” 不是有效的存证编号（存证编号形如 {example}）。",
        "“{query}” is not a valid evidence ID (evidence IDs look like {example}).",
    ),
    "not_found.title": ("未找到", "Not found"),
    "bad_request.title": ("请求有误", "Bad request"),
    "certificate.bad_format": (
        "没有“{format}”格式的存证证书：可选 html（网页）或 pdf。",
        "There is no “{format}” certificate: the formats are html and pdf.",
    ),
    "id.invalid.title": ("存证编号有误", "Invalid evidence ID"),
    "not_found.block": (
        "没有 “{height}” 这一区块（最新区块的高度为 {head}）。",
        "There is no block “{height}” (the latest block is at height {head}).",
    ),
    "not_found.transaction": ("本链没有交易 “{hash}”。", "There is no transaction “{hash}” on this chain."),
    "not_found.agency": ("没有以 “{code}” 为代码登记的机构。", "No agency is registered under the code “{code}”."),
    "not_found.matter": (
        "存证 {id} 不是办件的立项记录，没有对应的办件。",
        "{id} is not the record that opened a matter, so there is no matter to show.",
    ),
    "not_sealed.title": ("尚未写入区块", "Not in a block yet"),
    "not_found.receipt": (
        "存证 {id} 已受理，尚未写入区块，还没有回执和证书。",
        "{id} is accepted but not in a block yet, so it has no receipt or certificate yet.",
    ),
    # Verify page
    "verify.title": ("存证核验", "Verify a record"),
    "verify.intro": (
        "选择文件与其存证回执（或输入存证编号由本节点取回回执）。文件只在本机浏览器中计算 SM3 摘要，不会上传；回执的签名、包含证明与共识签名也在浏览器中核验。",
        "Choose the file and its receipt (or type an evidence ID to fetch the receipt from this node). The file is "
        "hashed with SM3 in this browser and never uploaded; the receipt's signatures, inclusion proof and seals are "
        "checked in this browser too.",
    ),
    "verify.file": ("文件", "File"),
    "verify.receipt": ("存证回执 (.tzr 或 .json)", "Receipt (.tzr or .json)"),
    "verify.or_id": ("或存证编号", "or evidence ID"),
    "verify.genesis": ("创世文件（可选，默认使用本链创世）", "Genesis file (optional; this chain's by default)"),
    "verify.genesis_note": (
        "法院应使用从可信来源取得的创世文件；默认的创世取自本节点，其哈希显示于下方。",
        "A court should use a genesis file obtained from a trusted source; the default comes from this node, and its "
        "hash is shown below.",
    ),
    "verify.run": ("核验", "Verify"),
    "verify.hashing": ("正在计算文件摘要…", "Hashing the file…"),
    "verify.valid": ("有效 VALID", "VALID"),
    "verify.invalid": ("无效 INVALID", "INVALID"),
    "verify.print": ("打印核验证书", "Print the verification certificate"),
    "verify.need_receipt": ("请选择回执文件或输入存证编号。", "Choose a receipt file or type an evidence ID."),
    "verify.receipt_only": (
        "回执有效，未核对文件 RECEIPT VALID — FILE NOT CHECKED",
        "RECEIPT VALID — FILE NOT CHECKED",
    ),
    "verify.undecided": (
        "无法判定 UNDECIDED — 回执中有本页面无法读取的较新格式，故不作判定；请使用更新版本的核验工具",
        "UNDECIDED — part of the receipt is in a newer format than this page reads, so it gives no verdict: verify it "
        "with a newer release",
    ),
    "verify.failed": ("无法完成核验：", "Could not verify: "),
    "verify.fetch.evidence-id-checksum": (
        "存证编号 “{id}” 的校验位不符，可能输入有误，请核对后重新输入。",
        "The evidence ID “{id}” fails its checksum: it was probably mistyped. Please check it and type it again.",
    ),
    "verify.fetch.bad-evidence-id": (
        "“{id}” 不是有效的存证编号（格式为“链代码-序号-校验位”）。",
        "“{id}” is not a valid evidence ID (the form is CHAIN-INDEX-CHECK).",
    ),
    "verify.fetch.wrong-chain": ("“{id}” 不是本链的存证编号。", "“{id}” is an evidence ID of another chain."),
    "verify.fetch.not-found": ("本节点没有存证 {id}。", "This node has no record {id}."),
    "verify.fetch.not-proven": (
        "存证 {id} 已受理，尚未写入区块，还没有回执；请稍后再试。",
        "{id} is accepted but not in a block yet, so it has no receipt yet; try again shortly.",
    ),
    "verify.fetch.other": (
        "无法从本节点取得回执（HTTP {status}），请稍后再试或选择回执文件。",
        "Could not fetch the receipt from this node (HTTP {status}); try again, or choose the receipt file.",
    ),
    "verify.agency": ("存证机构", "Agency"),
    "verify.kind": ("类型", "Kind"),
    "verify.stage": ("环节", "Stage"),
    "verify.block": ("区块高度", "Block height"),
    "verify.block_time": ("上链时间 (UTC+8)", "Block time (UTC+8)"),
    "verify.digest": ("文件摘要 (SM3)", "Record digest (SM3)"),
    "verify.no_file": ("未选择文件：只核验回执本身。", "No file chosen: only the receipt itself is checked."),
    "check.receipt": ("回执格式", "Receipt format"),
    "check.genesis": ("所属链与创世", "Chain and genesis"),
    "check.evidence-id": ("存证编号", "Evidence ID"),
    "check.statement": ("存证声明", "Statement"),
    "check.digest": ("文件摘要一致", "File digest matches"),
    "check.signatures": ("机构 SM2 签名", "Agency's SM2 signature"),
    "check.batch-path": ("批量存证路径", "Path in the batch"),
    "check.validator-set": ("验证节点集合", "Validator set"),
    "check.header": ("区块头", "Block header"),
    "check.inclusion": ("日志包含证明", "Inclusion in the log"),
    "check.seals": ("验证节点共识签名", "Validators' seals"),
    "check.skipped": ("未执行（前一项未通过）", "not run (an earlier check failed)"),
    # What each check found: the browser verifier's sentences (web/src/verifier.js DETAILS, equal to the
    # English here, a test keeps them so), with the same {places}.
    "check.detail.receipt.ok": ("解码无误", "decodes"),
    "check.detail.genesis.ok": (
        "链 {chain}（链标识 {id}），创世哈希 {genesis}…",
        "chain {chain} (id {id}), genesis {genesis}…",
    ),
    "check.detail.genesis.other": (
        "回执属于链 {chain}（链标识 {id}，创世哈希 {genesis}…），不是所给创世的链 {given_chain}（链标识 {given_id}，"
        "创世哈希 {given_genesis}…）",
        "the receipt is for chain {chain} (id {id}, genesis {genesis}…), not the given genesis {given_chain} "
        "(id {given_id}, {given_genesis}…)",
    ),
    "check.detail.evidence-id.ok": ("{evidence_id} 即日志第 {leaf} 号叶子", "{evidence_id} is leaf {leaf}"),
    "check.detail.evidence-id.other": (
        "{evidence_id} 不是链 {chain} 日志第 {leaf} 号叶子的规范存证编号（应为 {canonical}）",
        "{evidence_id} is not the canonical evidence ID of leaf {leaf} of chain {chain} ({canonical})",
    ),
    "check.detail.statement.ok": ("格式正确", "well-formed"),
    "check.detail.digest.no-file": (
        "未核对：没有选择文件，未比对文件内容",
        "no file given: the record's bytes were not compared",
    ),
    "check.detail.digest.ok": ("文件的 SM3 摘要为 {digest}，与存证一致", "SM3 of the file is {digest}"),
    "check.detail.digest.other": (
        "文件的 SM3 摘要 {digest} 与存证的摘要 {anchored} 不符",
        "the file's SM3 {digest} is not the anchored digest {anchored}",
    ),
    "check.detail.signatures.direct": (
        "机构 {agency} 及声明所列的 {cosigners} 个共同签名方",
        "agency {agency} and the {cosigners} co-signer(s) the statement names",
    ),
    "check.detail.signatures.batch": (
        "机构 {agency} 及批次头所列的 {cosigners} 个共同签名方签署了批次头",
        "agency {agency} and the {cosigners} co-signer(s) its header names signed the batch header",
    ),
    "check.detail.signatures.batch-unanchored": (
        "机构 {agency} 签署了批次头；批次头所列的 {cosigners} 个共同签名方未列于声明中，未随存证上链，不予计入",
        "agency {agency} signed the batch header; the {cosigners} co-signer(s) it names are not named by the "
        "statement, so not anchored with it, and not counted",
    ),
    "check.detail.batch-path.direct": ("非批量存证", "not batched"),
    "check.detail.batch-path.ok": ("批次中第 {position} 条声明", "statement {position} of the batch"),
    "check.detail.validator-set.ok": (
        "自创世以来 {transitions} 次验证节点交接",
        "{transitions} hand-over(s) since genesis",
    ),
    "check.detail.header.ok": ("区块 {height}，日志规模 {size}", "block {height}, log size {size}"),
    "check.detail.header.other": (
        "区块头属于其他链或其他验证节点集合，或其日志尚不含该记录",
        "the consensus header is for another chain, another validator set, or a log that does not yet hold the leaf",
    ),
    "check.detail.inclusion.ok": (
        "第 {leaf} 号叶子在规模为 {size}、根为 {root}… 的日志中",
        "leaf {leaf} is in the log of {size} at root {root}…",
    ),
    "check.detail.inclusion.other": (
        "包含证明推不出区块头中的日志根",
        "the inclusion proof does not lead to the header's log root",
    ),
    "check.detail.seals.ok": (
        "{total} 个验证节点中的 {count} 个签署了区块 {height}（法定数 {quorum}）",
        "{count} of {total} validators sealed block {height} (quorum {quorum})",
    ),
    # Why a check failed, by the error's code (web/src: each error carries one; in English the page shows the
    # error's own, more particular, message instead).
    "check.error": ("未通过（错误代码 {code}）", "failed ({code})"),
    "check.error.error": ("数据无法解读", "the data does not read"),
    "check.error.bad-cbor": ("不是有效的 CBOR 编码", "not valid CBOR"),
    "check.error.too-large": ("数据超出允许的大小", "larger than allowed"),
    "check.error.non-canonical-cbor": (
        "不是确定性 CBOR 编码（RFC 8949 §4.2.1），字节可能被改动",
        "not deterministic CBOR (RFC 8949 §4.2.1): the bytes may have been altered",
    ),
    "check.error.bad-receipt": ("回执格式无效", "not a valid receipt"),
    "check.error.unsupported-version": ("格式版本较新，本页面无法读取", "a format version this verifier does not read"),
    "check.error.header-version": (
        "区块头的版本与回执的版本不相配",
        "a consensus header of another version than the receipt's",
    ),
    "check.error.bad-field": ("某字段的值不符合格式要求", "a field's value is not in the required form"),
    "check.error.missing-field": ("缺少必需字段", "a required field is missing"),
    "check.error.unknown-field": ("含有未定义的字段", "a field the format does not define"),
    "check.error.bad-statement": ("存证声明的内容不符合规范", "the statement's content is not valid"),
    "check.error.bad-evidence-id": ("存证编号格式无效", "the evidence ID is malformed"),
    "check.error.evidence-id-checksum": ("存证编号校验位不符", "the evidence ID fails its checksum"),
    "check.error.bad-genesis": ("创世文件或验证节点集合无效", "the genesis or a validator set is not valid"),
    "check.error.bad-key": ("公钥无效（不是 SM2 曲线上的点）", "a public key is not valid (not a point on SM2)"),
    "check.error.missing-agency-signature": ("第一个签名不是机构签名", "the first signature is not the agency's"),
    "check.error.agency-key-mismatch": (
        "签名所用密钥不是声明中指明的机构密钥",
        "signed with a key other than the agency key it names",
    ),
    "check.error.duplicate-signer": ("同一密钥签名了两次", "one key signed twice"),
    "check.error.bad-agency-signature": ("机构的 SM2 签名无法通过核验", "the agency's SM2 signature does not verify"),
    "check.error.bad-cosignature": ("共同签名方的 SM2 签名无法通过核验", "a co-signer's SM2 signature does not verify"),
    "check.error.undeclared-cosigner": (
        "共同签名与被签署内容所列的共同签名方（角色、密钥、顺序）不符",
        "a co-signature is not by the co-signer the signed bytes name (role, key, order)",
    ),
    "check.error.missing-cosignature": (
        "被签署内容所列的共同签名方缺少签名",
        "a co-signer the signed bytes name has not signed",
    ),
    "check.error.cosigners-in-batch": (
        "批量存证中的声明所列共同签名方与批次头不一致（二者须相同，共同签名方才随声明上链）",
        "a statement in a batch names other co-signers than its batch header (both must name them, so that the "
        "log holds them)",
    ),
    "check.error.batch-mismatch": (
        "声明的机构或密钥与批次头不一致",
        "the statement's agency or key differs from its batch's",
    ),
    "check.error.bad-batch-path": (
        "声明在批次中的路径推不出已签名的批次根",
        "the statement's path does not lead to the signed batch root",
    ),
    "check.error.wrong-chain": ("验证节点交接记录属于其他链", "a validator hand-over belongs to another chain"),
    "check.error.bad-transition": ("验证节点交接记录无效", "a validator hand-over is not valid"),
    "check.error.bad-seals": (
        "共识签名所列的验证节点有误（不存在或重复）",
        "the seals name a validator that does not exist, or one twice",
    ),
    "check.error.bad-seal": ("有验证节点的共识签名无法通过核验", "a validator's seal does not verify"),
    "check.error.no-quorum": ("有效的共识签名未达法定数", "fewer valid seals than the quorum"),
}


def language_of(query: str | None, cookie: str | None) -> Language:
    for candidate in (query, cookie):
        if candidate in LANGUAGES:
            return candidate  # type: ignore[return-value]
    return DEFAULT


class Translator:
    """``t("key", name=value)``: the message in this language, with ``{name}`` filled in."""

    def __init__(self, language: Language) -> None:
        self.language = language
        self._column = LANGUAGES.index(language)

    def __call__(self, key: str, **values: object) -> str:
        text = MESSAGES[key][self._column]
        return text.format(**values) if values else text

    def word(self, prefix: str, value: str) -> str:
        """The word for a registered value (a signer's role, an outcome, …), else the value as written."""
        found = MESSAGES.get(f"{prefix}.{value}")
        return found[self._column] if found else value
