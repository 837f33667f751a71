// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {AgencyRegistry} from "./AgencyRegistry.sol";

/// @title ProcessTrail
/// @notice The workflow templates and the working-day calendar that matters on this chain follow,
/// registered by their SM3 hashes. Deployed at the fixed address 0x0000000000000000000000000000000000007A04.
/// @dev A template (stages, who handles each, time limits, required fields) and the calendar
/// (weekends, holidays, make-up working days) are JSON files; every node holds the files and the
/// chain holds their hashes, so that all nodes check steps and compute deadlines alike, and a
/// file changed after registration is recognised as another template. Matters are opened and
/// moved by `process-step` statements in the evidence log; the node checks each against the
/// registered template, computes deadlines from block times and the registered calendar, and
/// records overdue events as `alert` statements in the same log (docs/workflow.md). Admins of
/// the AgencyRegistry register and retire templates, set the calendar, and bind agencies to the
/// roles of templates: a matter may name an agency for a role (a cross-department service's
/// health or public-security stage) only once an admin has bound it, so that no agency can make
/// another answer for a stage, and take the overdue alerts of it, without the chain's say.
contract ProcessTrail {
    /// @notice A registered template.
    /// @param id The template's identifier, e.g. "administrative-permit".
    /// @param revision The template's revision; a new revision is a new file and a new hash.
    /// @param active False once retired: no new matter may follow it (open matters continue).
    /// @param registeredAt The block height of registration.
    struct Template {
        string id;
        uint32 revision;
        bool active;
        uint64 registeredAt;
    }

    /// @notice The agency registry whose admins manage templates and the calendar.
    AgencyRegistry public constant REGISTRY = AgencyRegistry(0x0000000000000000000000000000000000007A01);

    /// @notice The longest template or calendar identifier accepted, in bytes.
    uint256 public constant MAX_ID_LENGTH = 64;

    /// @dev Templates by SM3 hash, and the hashes in registration order.
    mapping(bytes32 => Template) private _templates;
    bytes32[] private _templateHashes;

    /// @dev Whether an (id, revision) pair is taken, by keccak256(abi.encode(id, revision)).
    mapping(bytes32 => bool) private _revisionTaken;

    /// @dev Bindings of agencies to template roles, by keccak256(abi.encode(templateId, role, agency)).
    mapping(bytes32 => bool) private _bound;

    /// @notice The SM3 hash of the working-day calendar file deadlines are computed with.
    bytes32 public calendar;

    /// @notice The calendar's identifier, e.g. "cn-mainland".
    string public calendarId;

    /// @notice A template was registered.
    /// @param templateHash The SM3 hash of the template file.
    /// @param id The template's identifier.
    /// @param revision The template's revision.
    event TemplateRegistered(bytes32 indexed templateHash, string id, uint32 revision);

    /// @notice A template was retired: new matters may no longer follow it.
    /// @param templateHash The SM3 hash of the template file.
    event TemplateRetired(bytes32 indexed templateHash);

    /// @notice The working-day calendar was set (deadlines computed from then on use it).
    /// @param calendarHash The SM3 hash of the calendar file.
    /// @param id The calendar's identifier.
    event CalendarSet(bytes32 indexed calendarHash, string id);

    /// @notice An agency was bound to a role of a template, or unbound from it.
    /// @param templateId The template's identifier (every revision shares its bindings).
    /// @param role The role, as the template names it.
    /// @param agency The agency's code.
    /// @param bound True when bound, false when unbound.
    event RoleBound(string templateId, string role, string agency, bool bound);

    /// @notice Restricts a function to the admins of the AgencyRegistry.
    modifier onlyAdmin() {
        require(REGISTRY.isAdmin(msg.sender), "ProcessTrail: caller is not an admin");
        _;
    }

    /// @notice Creates the trail with its genesis templates and calendar.
    /// @param templateHashes The SM3 hashes of the templates.
    /// @param ids The templates' identifiers, as many as hashes.
    /// @param revisions The templates' revisions, as many as hashes.
    /// @param calendarHash The SM3 hash of the calendar file (zero: none yet).
    /// @param calendarIdentifier The calendar's identifier.
    constructor(
        bytes32[] memory templateHashes,
        string[] memory ids,
        uint32[] memory revisions,
        bytes32 calendarHash,
        string memory calendarIdentifier
    ) {
        require(
            templateHashes.length == ids.length && ids.length == revisions.length,
            "ProcessTrail: hashes, ids and revisions differ in number"
        );
        for (uint256 i = 0; i < templateHashes.length; ++i) {
            _register(templateHashes[i], ids[i], revisions[i]);
        }
        if (calendarHash != bytes32(0)) {
            _setCalendar(calendarHash, calendarIdentifier);
        }
    }

    /// @notice Registers a template. Only an admin may call it.
    /// @param templateHash The SM3 hash of the template file: not zero, not registered before.
    /// @param id The template's identifier: 1 to 64 bytes.
    /// @param revision The template's revision: at least 1, not registered before with this id.
    function registerTemplate(bytes32 templateHash, string calldata id, uint32 revision) external onlyAdmin {
        _register(templateHash, id, revision);
    }

    /// @notice Retires a template: matters already open continue, new ones may not follow it.
    /// Only an admin may call it.
    /// @param templateHash The SM3 hash of an active template.
    function retireTemplate(bytes32 templateHash) external onlyAdmin {
        Template storage template = _templates[templateHash];
        require(template.revision != 0, "ProcessTrail: unknown template");
        require(template.active, "ProcessTrail: template already retired");
        template.active = false;
        emit TemplateRetired(templateHash);
    }

    /// @notice Sets the working-day calendar. Only an admin may call it.
    /// @param calendarHash The SM3 hash of the calendar file: not zero.
    /// @param id The calendar's identifier: 1 to 64 bytes.
    function setCalendar(bytes32 calendarHash, string calldata id) external onlyAdmin {
        _setCalendar(calendarHash, id);
    }

    /// @notice Binds an agency to a role of a template, or unbinds it: matters opened from then on may
    /// name it for that role (or may no longer). Matters already open keep their parties.
    /// Only an admin may call it.
    /// @param templateId The template's identifier: 1 to 64 bytes.
    /// @param role The role: 1 to 64 bytes.
    /// @param agency The code of a registered agency: 1 to 64 bytes.
    /// @param bound True to bind, false to unbind.
    function bindRole(string calldata templateId, string calldata role, string calldata agency, bool bound)
        external
        onlyAdmin
    {
        _requireId(templateId, "template id");
        _requireId(role, "role");
        _requireId(agency, "agency");
        require(!bound || REGISTRY.getAgency(agency).active, "ProcessTrail: agency is revoked");
        bytes32 key = keccak256(abi.encode(templateId, role, agency));
        require(_bound[key] != bound, bound ? "ProcessTrail: already bound" : "ProcessTrail: not bound");
        _bound[key] = bound;
        emit RoleBound(templateId, role, agency, bound);
    }

    /// @notice Whether an agency is bound to a role of a template.
    /// @param templateId The template's identifier.
    /// @param role The role.
    /// @param agency The agency's code.
    /// @return True if an admin bound it and has not unbound it since.
    function isBound(string calldata templateId, string calldata role, string calldata agency)
        external
        view
        returns (bool)
    {
        return _bound[keccak256(abi.encode(templateId, role, agency))];
    }

    /// @notice A template by its hash; revision 0 if it was never registered.
    /// @param templateHash The SM3 hash of the template file.
    /// @return The template's registration.
    function getTemplate(bytes32 templateHash) external view returns (Template memory) {
        return _templates[templateHash];
    }

    /// @notice Whether new matters may follow a template.
    /// @param templateHash The SM3 hash of the template file.
    /// @return True if registered and not retired.
    function isActiveTemplate(bytes32 templateHash) external view returns (bool) {
        return _templates[templateHash].active;
    }

    /// @notice The number of templates ever registered.
    /// @return The count.
    function templateCount() external view returns (uint256) {
        return _templateHashes.length;
    }

    /// @notice The hash of the template registered at a position, in registration order.
    /// @param index From 0 to templateCount() - 1.
    /// @return The template's SM3 hash.
    function templateAt(uint256 index) external view returns (bytes32) {
        require(index < _templateHashes.length, "ProcessTrail: index out of range");
        return _templateHashes[index];
    }

    function _register(bytes32 templateHash, string memory id, uint32 revision) private {
        require(templateHash != bytes32(0), "ProcessTrail: template hash is zero");
        require(_templates[templateHash].revision == 0, "ProcessTrail: template already registered");
        uint256 idLength = bytes(id).length;
        require(idLength != 0 && idLength <= MAX_ID_LENGTH, "ProcessTrail: id must be 1 to 64 bytes");
        require(revision != 0, "ProcessTrail: revision must be at least 1");
        bytes32 pair = keccak256(abi.encode(id, revision));
        require(!_revisionTaken[pair], "ProcessTrail: this id and revision are registered already");
        _revisionTaken[pair] = true;
        _templates[templateHash] = Template(id, revision, true, uint64(block.number));
        _templateHashes.push(templateHash);
        emit TemplateRegistered(templateHash, id, revision);
    }

    function _requireId(string calldata value, string memory what) private pure {
        uint256 length = bytes(value).length;
        require(length != 0 && length <= MAX_ID_LENGTH, string.concat("ProcessTrail: ", what, " must be 1 to 64 bytes"));
    }

    function _setCalendar(bytes32 calendarHash, string memory id) private {
        require(calendarHash != bytes32(0), "ProcessTrail: calendar hash is zero");
        uint256 idLength = bytes(id).length;
        require(idLength != 0 && idLength <= MAX_ID_LENGTH, "ProcessTrail: id must be 1 to 64 bytes");
        calendar = calendarHash;
        calendarId = id;
        emit CalendarSet(calendarHash, id);
    }
}
