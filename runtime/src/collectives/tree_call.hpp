#pragma once
// A collective run through a fan-out tree (see dc/detail/tree.hpp for the shape). Each process
// of the tree receives an order: who is in its subtree, where they listen (when the caller
// knew), and the call to run. It forwards the order's parts to its children, runs the call,
// and answers its parent with the errors of its whole subtree once its children have answered.
// When a child dies, the rest of that child's group is sent again to the group's next process;
// a process that already ran the collective does not run it again (collective_log).

#include <dc/detail/tree.hpp>

#include <chrono>
#include <span>
#include <vector>

namespace dc::detail {

struct tree_request {
    std::vector<int> ids;       ///< where the call runs (this process too when listed)
    function_id fn;             ///< invoker 0: no call (an exit order)
    std::span<const char> args; ///< the call's encoded arguments
    bool exit_after = false;    ///< each process (but this one) exits once it has answered
    /// The caller stops waiting then; processes that have not answered count as failed.
    std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
};

/// Runs `request` with this process as the root of the tree.
tree_failures run_tree(const tree_request& request);

} // namespace dc::detail
