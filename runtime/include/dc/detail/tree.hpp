#pragma once
// Collectives as fan-out trees (everywhere, sendto, clear_globals, rmprocs, distributed_reduce).
//
// The caller sorts the target ids and splits them into at most `degree` contiguous groups; the
// first process of each group receives its group and splits the rest of it the same way. So the
// caller sends `degree` messages, not N, and the tree is about log_degree(N) deep. Every edge
// below the caller goes from a lower id to a higher one, so collectives that run at once over
// different sets of processes never wait on each other in a circle.
//
// Errors travel up the tree as the caller of direct calls would have seen them: a process that
// threw is a remote_exception naming it, a process that died is a process_exited naming it.

#include <dc/detail/bytes.hpp>
#include <dc/detail/error_info.hpp>
#include <dc/detail/function_id.hpp>

#include <cereal/types/vector.hpp>

#include <cstdint>
#include <exception>
#include <span>
#include <string>
#include <vector>

namespace dc::detail {

/// How many children a process of a collective tree sends to, for a call whose arguments are
/// `payload` bytes: DC_TREE_DEGREE when set (at least 2; a degree as large as the cluster makes
/// every collective flat); else 8, or 2 for payloads of 1 MiB or more (as MPI picks a binary
/// tree for large broadcasts: a process then sends a large value twice, not eight times).
/// Unbounded (flat) when workers may not link to each other (topology master_worker).
int tree_degree(std::size_t payload = 0);

/// `members` split into at most `degree` contiguous, non-empty groups of near-equal size.
std::vector<std::span<const int>> tree_groups(std::span<const int> members, int degree);

/// The errors of a tree's processes, gathered on the way up.
class tree_failures {
public:
    /// Inside a catch block: this process's own error (a call of the tree threw here).
    void add_own_current();
    /// Inside a catch block: what a call to process `pid` threw (its process_exited or
    /// remote_exception is kept as it is, not wrapped).
    void add_current_from(int pid);
    /// This process's own error, already described.
    void add(const error_info& own);
    void add(const tree_failures& more);
    /// Every process of `pids` as failed with `why` (a subtree that did not answer in time).
    void add_unreached(std::span<const int> pids, const std::string& why);
    bool empty() const noexcept { return entries_.empty(); }
    /// The ids of the failed processes, ascending.
    std::vector<int> pids() const;
    /// One exception per failed process, ascending by id: dc::process_exited for a process
    /// that died, dc::remote_exception for one that threw.
    std::vector<std::exception_ptr> exceptions() const;
    /// The first error in id order, thrown as it would have been by a direct call.
    [[noreturn]] void rethrow_first() const;

    template <class A> void serialize(A& ar) { ar(entries_); }

private:
    struct entry {
        error_info info;
        bool exited = false; ///< the process died (info.message says why)
        template <class A> void serialize(A& ar) { ar(info, exited); }
    };
    void sort();
    std::vector<entry> entries_;
};

/// Runs the call `fn(args)` on every process of `ids` (this one too when listed), through a
/// fan-out tree, and waits for all. Returns the errors (empty when every call succeeded).
tree_failures tree_call(std::vector<int> ids, const function_id& fn, std::span<const char> args);

/// Counts the weighted handles (futures, remote channels) encoded on this thread so far. An
/// encoding that holds one carries a share of its weight and must be decoded only once, so a
/// collective whose arguments hold one sends each process its own encoding instead of a tree.
std::uint64_t weighted_handles_encoded() noexcept;
void note_weighted_handle_encoded() noexcept;

} // namespace dc::detail
