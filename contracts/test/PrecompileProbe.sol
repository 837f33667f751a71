// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

/// @title PrecompileProbe
/// @notice Test helper: calls the chain's SM3 and SM2 precompiles from a contract, as
/// application contracts would. Not deployed on a production chain.
contract PrecompileProbe {
    /// @notice The SM3 precompile: input raw bytes, output their 32-byte SM3 digest.
    address public constant SM3_PRECOMPILE = 0x0000000000000000000000000000000000000a01;

    /// @notice The SM2 verify precompile: input abi.encode(bytes publicKey, bytes message,
    /// bytes signature), output a 32-byte word, 1 if the signature is valid and 0 otherwise.
    address public constant SM2_VERIFY_PRECOMPILE = 0x0000000000000000000000000000000000000a02;

    /// @notice The SM3 digest of some bytes, computed by the SM3 precompile.
    /// @param data The bytes to hash.
    /// @return The 32-byte SM3 digest; reverts if the precompile fails or returns another length.
    function sm3(bytes calldata data) external view returns (bytes32) {
        (bool ok, bytes memory output) = SM3_PRECOMPILE.staticcall(data);
        require(ok && output.length == 32, "PrecompileProbe: SM3 precompile failed");
        return abi.decode(output, (bytes32));
    }

    /// @notice Whether an SM2 signature verifies, according to the SM2 verify precompile.
    /// @param publicKey The signer's SM2 public key: a 65-byte uncompressed or 33-byte compressed
    /// SEC1 point.
    /// @param message The signed message (the precompile hashes it with SM3 and the signer's Z value).
    /// @param signature The DER-encoded SM2 signature.
    /// @return True only if the precompile call succeeds and returns the 32-byte word 1.
    function sm2Verify(
        bytes calldata publicKey,
        bytes calldata message,
        bytes calldata signature
    ) external view returns (bool) {
        (bool ok, bytes memory output) = SM2_VERIFY_PRECOMPILE.staticcall(abi.encode(publicKey, message, signature));
        if (!ok || output.length != 32) {
            return false;
        }
        return abi.decode(output, (uint256)) == 1;
    }
}
