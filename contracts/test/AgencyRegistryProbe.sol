// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {AgencyRegistry} from "../src/AgencyRegistry.sol";

/// @title AgencyRegistryProbe
/// @notice Registers an agency from a contract rather than from an admin's own account, once
/// an admin has made it an admin: the node must hold such a registration to the rules it
/// applies to a direct call.
contract AgencyRegistryProbe {
    /// @notice The system contract at its fixed address.
    AgencyRegistry public constant REGISTRY = AgencyRegistry(0x0000000000000000000000000000000000007A01);

    /// @notice Registers an agency through the AgencyRegistry contract.
    /// @param code The agency's code.
    /// @param name The agency's name.
    /// @param sm2PublicKey The agency's SM2 public key (65 bytes, uncompressed).
    /// @param account The agency's EVM account.
    function register(string calldata code, string calldata name, bytes calldata sm2PublicKey, address account)
        external
    {
        REGISTRY.register(code, name, sm2PublicKey, account);
    }
}
