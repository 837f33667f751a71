// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

/// @title Notebook
/// @notice A sample application contract for the client tests: short notes, numbered from 1.
/// It exercises events with indexed arguments, custom errors, revert strings and views.
contract Notebook {
    /// @notice The longest note accepted, in bytes.
    uint256 public constant MAX_LENGTH = 280;

    /// @dev The notes; note n is at index n - 1.
    string[] private _notes;

    /// @notice A note was stored.
    /// @param author The account that wrote the note.
    /// @param id The note's number, from 1.
    /// @param text The note.
    event Noted(address indexed author, uint256 indexed id, string text);

    /// @notice The note is longer than allowed.
    /// @param length The note's length in bytes.
    /// @param max The longest note accepted, in bytes.
    error TooLong(uint256 length, uint256 max);

    /// @notice Stores a note.
    /// @param text The note: 1 to 280 bytes.
    /// @return id The note's number: 1 for the first note, then 2, 3, ...
    function note(string calldata text) external returns (uint256 id) {
        uint256 length = bytes(text).length;
        require(length != 0, "Notebook: empty note");
        if (length > MAX_LENGTH) {
            revert TooLong(length, MAX_LENGTH);
        }
        _notes.push(text);
        id = _notes.length;
        emit Noted(msg.sender, id, text);
    }

    /// @notice The number of notes stored.
    /// @return The number of notes, which is also the number of the latest one.
    function count() external view returns (uint256) {
        return _notes.length;
    }

    /// @notice Returns a note.
    /// @param id The note's number, from 1 to count().
    /// @return The note.
    function get(uint256 id) external view returns (string memory) {
        require(id != 0 && id <= _notes.length, "Notebook: no such note");
        return _notes[id - 1];
    }

    /// @notice Always reverts, with the reason "Notebook: always fails".
    function fail() external pure {
        revert("Notebook: always fails");
    }
}
