// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {ValidatorSet} from "../src/ValidatorSet.sol";

/// @title ValidatorSetProbe
/// @notice Changes the validator set from a contract rather than from an admin's own account,
/// once an admin has made it an admin: the node must refuse such a change as it refuses a
/// direct call. Also lets a test simulate an add followed by a removal in one call.
contract ValidatorSetProbe {
    /// @notice The system contract at its fixed address.
    ValidatorSet public constant VALIDATORS = ValidatorSet(0x0000000000000000000000000000000000007a03);

    /// @notice Adds a validator through the ValidatorSet contract.
    /// @param name The validator's name.
    /// @param sm2PublicKey The validator's SM2 public key.
    function add(string calldata name, bytes calldata sm2PublicKey) external {
        VALIDATORS.addValidator(name, sm2PublicKey);
    }

    /// @notice Adds a validator, then removes the one at `index`.
    /// @param name The new validator's name.
    /// @param sm2PublicKey The new validator's SM2 public key.
    /// @param index The position to remove after the addition.
    /// @return count The number of validators afterwards.
    /// @return first The SM2 public key at position 0 afterwards.
    function addThenRemove(string calldata name, bytes calldata sm2PublicKey, uint256 index)
        external
        returns (uint256 count, bytes memory first)
    {
        VALIDATORS.addValidator(name, sm2PublicKey);
        VALIDATORS.removeValidator(index);
        count = VALIDATORS.validatorCount();
        (, first) = VALIDATORS.validatorAt(0);
    }
}
