// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {AgencyRegistry} from "./AgencyRegistry.sol";

/// @title EvidenceRegistry
/// @notice The entry point through which agencies anchor signed statements into the chain's
/// evidence log. Deployed at the fixed address 0x0000000000000000000000000000000000007A02.
/// @dev The evidence log itself is kept by the node: the evidence-append precompile at 0x0A03,
/// which only this contract may call, checks the signed statement and appends it. This contract
/// supplies what the precompile cannot know by itself: which agency sent the statement, and the
/// key id of that agency's registered SM2 key.
contract EvidenceRegistry {
    /// @notice The agency registry consulted for the sender's agency and key.
    AgencyRegistry public constant REGISTRY = AgencyRegistry(0x0000000000000000000000000000000000007A01);

    /// @notice The SM3 precompile: input raw bytes, output their 32-byte SM3 digest.
    address public constant SM3_PRECOMPILE = 0x0000000000000000000000000000000000000a01;

    /// @notice The evidence-append precompile: input abi.encode(bytes32 keyId, string agency,
    /// bytes signedStatement), output the statement's 32-byte SM3 hash.
    address public constant EVIDENCE_APPEND_PRECOMPILE = 0x0000000000000000000000000000000000000a03;

    /// @notice A signed statement was appended to the evidence log.
    /// @param statementHash The statement's SM3 hash, as returned by the evidence-append precompile.
    /// @param sender The agency account that sent it.
    /// @param agency The agency's code.
    event Anchored(bytes32 indexed statementHash, address indexed sender, string agency);

    /// @notice Anchors a signed statement for the sender's agency.
    /// @dev The sender must be the account of an active agency. The precompile rejects (and this
    /// call reverts with "EvidenceRegistry: statement rejected") a statement that does not name
    /// that agency and the key id of its registered key, or whose signatures do not all verify.
    /// @param signedStatement The CBOR signed statement (see docs/receipt-format.md).
    /// @return statementHash The statement's SM3 hash.
    function anchor(bytes calldata signedStatement) external returns (bytes32 statementHash) {
        (string memory code, bytes memory sm2PublicKey, bool active) = REGISTRY.agencyByAccount(msg.sender);
        require(active, "EvidenceRegistry: sender is not an active agency");

        (bool ok, bytes memory output) = SM3_PRECOMPILE.staticcall(sm2PublicKey);
        require(ok && output.length == 32, "EvidenceRegistry: SM3 precompile failed");
        bytes32 keyId = abi.decode(output, (bytes32));

        (ok, output) = EVIDENCE_APPEND_PRECOMPILE.call(abi.encode(keyId, code, signedStatement));
        require(ok && output.length == 32, "EvidenceRegistry: statement rejected");
        statementHash = abi.decode(output, (bytes32));

        emit Anchored(statementHash, msg.sender, code);
    }
}
