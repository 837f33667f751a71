// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

/// @title AgencyRegistry
/// @notice The registry of the agencies allowed to anchor evidence on a Tiezheng chain, and of
/// the admins who manage it. Deployed at the fixed address 0x0000000000000000000000000000000000007A01.
/// @dev An agency is identified by its code (for example an 18-character unified social credit
/// code) and bound to one account, the address that sends its transactions. A code is registered
/// once, ever: a revoked agency stays in the registry, revoked, so that its history and the key
/// that signed its earlier statements remain readable. Revoking an agency unbinds its account,
/// which may later be bound to a newly registered agency.
contract AgencyRegistry {
    /// @notice One registered agency, active or revoked.
    /// @param code The agency's code, 1 to 64 bytes, unique for the life of the chain.
    /// @param name The agency's name, 1 to 256 bytes.
    /// @param sm2PublicKey The agency's SM2 public key: 65 bytes, 0x04 followed by x and y.
    /// @param account The account bound to the agency (kept after revocation, as history).
    /// @param registeredAt The block number at which the agency was registered.
    /// @param revokedAt The block number at which the agency was revoked, or 0 while active.
    /// @param active Whether the agency is active, that is registered and not revoked.
    struct Agency {
        string code;
        string name;
        bytes sm2PublicKey;
        address account;
        uint256 registeredAt;
        uint256 revokedAt;
        bool active;
    }

    /// @notice The longest agency code accepted, in bytes.
    uint256 public constant MAX_CODE_LENGTH = 64;

    /// @notice The longest agency name accepted, in bytes.
    uint256 public constant MAX_NAME_LENGTH = 256;

    /// @notice Whether an account is an admin of the registry.
    mapping(address => bool) public isAdmin;

    /// @notice The number of admins; never zero.
    uint256 public adminCount;

    /// @dev Every agency ever registered, by code. An entry exists when its account is non-zero.
    mapping(string => Agency) private _agencies;

    /// @dev The code of the active agency bound to an account, or the empty string.
    mapping(address => string) private _codeByAccount;

    /// @dev Every code ever registered, in registration order.
    string[] private _codes;

    /// @dev Every code ever registered, by the hash of its ASCII upper-case form: codes that differ
    /// only in letter case would be one agency to a reader (and to a search that ignores case).
    mapping(bytes32 => bool) private _foldedCodes;

    /// @notice An account became an admin.
    /// @param account The new admin.
    event AdminAdded(address indexed account);

    /// @notice An account stopped being an admin.
    /// @param account The former admin.
    event AdminRemoved(address indexed account);

    /// @notice An agency was registered and its account bound to it.
    /// @param code The agency's code.
    /// @param account The account bound to the agency.
    /// @param sm2PublicKey The agency's SM2 public key (65 bytes, uncompressed).
    /// @param name The agency's name.
    /// @param height The block number of the registration.
    event AgencyRegistered(string code, address indexed account, bytes sm2PublicKey, string name, uint256 height);

    /// @notice An agency was revoked and its account unbound.
    /// @param code The agency's code.
    /// @param account The account that was bound to the agency.
    /// @param height The block number of the revocation.
    event AgencyRevoked(string code, address indexed account, uint256 height);

    /// @notice Restricts a function to the registry's admins.
    modifier onlyAdmin() {
        require(isAdmin[msg.sender], "AgencyRegistry: caller is not an admin");
        _;
    }

    /// @notice Creates the registry with its first admins.
    /// @param admins The initial admins: at least one, none the zero address, no duplicates.
    constructor(address[] memory admins) {
        require(admins.length != 0, "AgencyRegistry: at least one admin is required");
        for (uint256 i = 0; i < admins.length; ++i) {
            _addAdmin(admins[i]);
        }
    }

    /// @notice Makes an account an admin. Only an admin may call it.
    /// @param account The account to make an admin: not the zero address, not already an admin.
    function addAdmin(address account) external onlyAdmin {
        _addAdmin(account);
    }

    /// @notice Removes an admin. Only an admin may call it, and the last admin cannot be removed.
    /// @param account The admin to remove (may be the caller).
    function removeAdmin(address account) external onlyAdmin {
        require(isAdmin[account], "AgencyRegistry: account is not an admin");
        require(adminCount > 1, "AgencyRegistry: cannot remove the last admin");
        isAdmin[account] = false;
        --adminCount;
        emit AdminRemoved(account);
    }

    /// @notice Registers an agency and binds an account to it. Only an admin may call it.
    /// @dev Records the current block number as the registration height.
    /// @param code The agency's code: 1 to 64 bytes, never registered before (even if revoked), in
    /// any letter case.
    /// @param name The agency's name: 1 to 256 bytes.
    /// @param sm2PublicKey The agency's SM2 public key: exactly 65 bytes starting with 0x04.
    /// @param account The account to bind: not the zero address, not bound to an active agency.
    function register(
        string calldata code,
        string calldata name,
        bytes calldata sm2PublicKey,
        address account
    ) external onlyAdmin {
        uint256 codeLength = bytes(code).length;
        require(codeLength != 0 && codeLength <= MAX_CODE_LENGTH, "AgencyRegistry: code must be 1 to 64 bytes");
        uint256 nameLength = bytes(name).length;
        require(nameLength != 0 && nameLength <= MAX_NAME_LENGTH, "AgencyRegistry: name must be 1 to 256 bytes");
        require(_agencies[code].account == address(0), "AgencyRegistry: code already registered");
        bytes32 folded = _foldCase(code);
        require(!_foldedCodes[folded], "AgencyRegistry: code already registered in other letter case");
        require(account != address(0), "AgencyRegistry: account is the zero address");
        require(bytes(_codeByAccount[account]).length == 0, "AgencyRegistry: account is bound to an active agency");
        require(
            sm2PublicKey.length == 65 && sm2PublicKey[0] == 0x04,
            "AgencyRegistry: public key must be 65 bytes starting with 0x04"
        );

        _agencies[code] = Agency({
            code: code,
            name: name,
            sm2PublicKey: sm2PublicKey,
            account: account,
            registeredAt: block.number,
            revokedAt: 0,
            active: true
        });
        _codeByAccount[account] = code;
        _codes.push(code);
        _foldedCodes[folded] = true;
        emit AgencyRegistered(code, account, sm2PublicKey, name, block.number);
    }

    /// @notice Revokes an active agency and unbinds its account. Only an admin may call it.
    /// @dev The agency stays in the registry, inactive, with the current block number as its
    /// revocation height; its code can never be registered again. Its account becomes free.
    /// @param code The code of the agency to revoke.
    function revoke(string calldata code) external onlyAdmin {
        Agency storage agency = _agencies[code];
        require(agency.account != address(0), "AgencyRegistry: unknown agency");
        require(agency.active, "AgencyRegistry: agency already revoked");
        agency.active = false;
        agency.revokedAt = block.number;
        delete _codeByAccount[agency.account];
        emit AgencyRevoked(code, agency.account, block.number);
    }

    /// @notice Returns an agency, active or revoked.
    /// @param code The agency's code.
    /// @return The agency; reverts if the code was never registered.
    function getAgency(string calldata code) external view returns (Agency memory) {
        Agency storage agency = _agencies[code];
        require(agency.account != address(0), "AgencyRegistry: unknown agency");
        return agency;
    }

    /// @notice Returns the active agency bound to an account.
    /// @param account The account to look up.
    /// @return code The agency's code, or the empty string if the account is not bound.
    /// @return sm2PublicKey The agency's SM2 public key, or empty if the account is not bound.
    /// @return active True if the account is bound to an active agency, false otherwise.
    function agencyByAccount(
        address account
    ) external view returns (string memory code, bytes memory sm2PublicKey, bool active) {
        code = _codeByAccount[account];
        if (bytes(code).length != 0) {
            Agency storage agency = _agencies[code];
            sm2PublicKey = agency.sm2PublicKey;
            active = agency.active;
        }
    }

    /// @notice Whether an account may send transactions to the chain: an admin, or the account of
    /// an active agency.
    /// @param account The account to check.
    /// @return True if the account is an admin or bound to an active agency.
    function isAllowedSender(address account) external view returns (bool) {
        return isAdmin[account] || bytes(_codeByAccount[account]).length != 0;
    }

    /// @notice The number of agencies ever registered, revoked ones included.
    /// @return The number of registered codes.
    function agencyCount() external view returns (uint256) {
        return _codes.length;
    }

    /// @notice The code of the agency registered at a position, in registration order.
    /// @param index The position, from 0 to agencyCount() - 1.
    /// @return The agency's code.
    function agencyCodeAt(uint256 index) external view returns (string memory) {
        require(index < _codes.length, "AgencyRegistry: index out of range");
        return _codes[index];
    }

    /// @dev The hash of a code with its ASCII letters in upper case (other bytes as they are).
    /// @param code The code to fold.
    /// @return The keccak256 hash of the folded code.
    function _foldCase(string calldata code) private pure returns (bytes32) {
        bytes memory folded = bytes(code);
        for (uint256 i = 0; i < folded.length; ++i) {
            bytes1 letter = folded[i];
            if (letter >= 0x61 && letter <= 0x7a) {
                folded[i] = bytes1(uint8(letter) - 32);
            }
        }
        return keccak256(folded);
    }

    /// @dev Makes an account an admin, checking that it is non-zero and not already one.
    /// @param account The account to make an admin.
    function _addAdmin(address account) private {
        require(account != address(0), "AgencyRegistry: admin is the zero address");
        require(!isAdmin[account], "AgencyRegistry: account is already an admin");
        isAdmin[account] = true;
        ++adminCount;
        emit AdminAdded(account);
    }
}
