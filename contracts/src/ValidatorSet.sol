// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {AgencyRegistry} from "./AgencyRegistry.sol";

/// @title ValidatorSet
/// @notice The chain's validators, in order, each a name and an SM2 public key. Deployed at the
/// fixed address 0x0000000000000000000000000000000000007A03.
/// @dev The set is admin-managed for now: the admins of the AgencyRegistry add and remove
/// validators. When the QBFT consensus arrives, changes are voted by the current validators
/// instead. Order matters (the set's hash is taken over the keys in order), so removal shifts
/// the later validators down by one and keeps the order of the others; it never swaps.
contract ValidatorSet {
    /// @notice One validator.
    /// @param name The validator's name, 1 to 256 bytes.
    /// @param sm2PublicKey The validator's SM2 public key: 65 bytes, 0x04 followed by x and y.
    struct Validator {
        string name;
        bytes sm2PublicKey;
    }

    /// @notice The agency registry whose admins manage the set.
    AgencyRegistry public constant REGISTRY = AgencyRegistry(0x0000000000000000000000000000000000007A01);

    /// @notice The longest validator name accepted, in bytes.
    uint256 public constant MAX_NAME_LENGTH = 256;

    /// @dev The validators, in order.
    Validator[] private _validators;

    /// @dev Whether a key (by its keccak256) belongs to a current validator.
    mapping(bytes32 => bool) private _isValidatorKey;

    /// @notice A validator was added at the end of the set.
    /// @param name The validator's name.
    /// @param sm2PublicKey The validator's SM2 public key.
    event ValidatorAdded(string name, bytes sm2PublicKey);

    /// @notice A validator was removed from the set.
    /// @param name The validator's name.
    /// @param sm2PublicKey The validator's SM2 public key.
    event ValidatorRemoved(string name, bytes sm2PublicKey);

    /// @notice Restricts a function to the admins of the AgencyRegistry (until QBFT voting).
    modifier onlyAdmin() {
        require(REGISTRY.isAdmin(msg.sender), "ValidatorSet: caller is not an admin");
        _;
    }

    /// @notice Creates the set with its genesis validators, in the order given.
    /// @param names The validators' names.
    /// @param sm2PublicKeys The validators' SM2 public keys: as many as names, at least one, each
    /// 65 bytes starting with 0x04, no duplicates.
    constructor(string[] memory names, bytes[] memory sm2PublicKeys) {
        require(names.length == sm2PublicKeys.length, "ValidatorSet: names and keys differ in number");
        require(names.length != 0, "ValidatorSet: at least one validator is required");
        for (uint256 i = 0; i < names.length; ++i) {
            _add(names[i], sm2PublicKeys[i]);
        }
    }

    /// @notice Adds a validator at the end of the set. Only an admin may call it.
    /// @param name The validator's name: 1 to 256 bytes.
    /// @param sm2PublicKey The validator's SM2 public key: 65 bytes starting with 0x04, not
    /// already in the set.
    function addValidator(string calldata name, bytes calldata sm2PublicKey) external onlyAdmin {
        _add(name, sm2PublicKey);
    }

    /// @notice Removes the validator at a position. Only an admin may call it, and the last
    /// validator cannot be removed.
    /// @dev Shifts every later validator down by one position, so the others keep their order.
    /// @param index The position of the validator to remove, from 0 to validatorCount() - 1.
    function removeValidator(uint256 index) external onlyAdmin {
        uint256 count = _validators.length;
        require(index < count, "ValidatorSet: index out of range");
        require(count > 1, "ValidatorSet: cannot remove the last validator");
        Validator memory removed = _validators[index];
        for (uint256 i = index; i + 1 < count; ++i) {
            _validators[i] = _validators[i + 1];
        }
        _validators.pop();
        delete _isValidatorKey[keccak256(removed.sm2PublicKey)];
        emit ValidatorRemoved(removed.name, removed.sm2PublicKey);
    }

    /// @notice The number of validators.
    /// @return The number of validators, at least one.
    function validatorCount() external view returns (uint256) {
        return _validators.length;
    }

    /// @notice The validator at a position.
    /// @param index The position, from 0 to validatorCount() - 1.
    /// @return name The validator's name.
    /// @return sm2PublicKey The validator's SM2 public key.
    function validatorAt(uint256 index) external view returns (string memory name, bytes memory sm2PublicKey) {
        require(index < _validators.length, "ValidatorSet: index out of range");
        Validator storage validator = _validators[index];
        return (validator.name, validator.sm2PublicKey);
    }

    /// @dev Appends a validator after checking its name and key.
    /// @param name The validator's name.
    /// @param sm2PublicKey The validator's SM2 public key.
    function _add(string memory name, bytes memory sm2PublicKey) private {
        uint256 nameLength = bytes(name).length;
        require(nameLength != 0 && nameLength <= MAX_NAME_LENGTH, "ValidatorSet: name must be 1 to 256 bytes");
        require(
            sm2PublicKey.length == 65 && sm2PublicKey[0] == 0x04,
            "ValidatorSet: public key must be 65 bytes starting with 0x04"
        );
        bytes32 keyHash = keccak256(sm2PublicKey);
        require(!_isValidatorKey[keyHash], "ValidatorSet: duplicate validator key");
        _isValidatorKey[keyHash] = true;
        _validators.push(Validator({name: name, sm2PublicKey: sm2PublicKey}));
        emit ValidatorAdded(name, sm2PublicKey);
    }
}
