// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

/// @title Tally
/// @notice The benchmark workload: a simple contract call of about 45,000 gas (one storage
/// update and one event), the size DESIGN.md's py-evm throughput figure refers to.
contract Tally {
    /// @notice Running total per account.
    mapping(address => uint256) public totals;

    /// @notice An amount was added to an account's total.
    /// @param account The caller.
    /// @param amount The amount added.
    /// @param total The caller's new total.
    event Added(address indexed account, uint256 amount, uint256 total);

    /// @notice Adds `amount` to the caller's total.
    /// @param amount The amount to add.
    /// @return total The caller's new total.
    function add(uint256 amount) external returns (uint256 total) {
        total = totals[msg.sender] + amount;
        totals[msg.sender] = total;
        emit Added(msg.sender, amount, total);
    }
}
