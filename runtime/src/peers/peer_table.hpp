#pragma once
// The other processes this one knows: their id, host and addresses, and the link to each once
// there is one. Thread-safe.

#include "protocol/messages.hpp"
#include "transport/connection.hpp"

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

namespace dc::detail {

class peer_table {
public:
    /// Ids of every process known, and `self`, ascending.
    std::vector<int> ids(int self) const;
    bool knows(int pid) const;
    /// Adds a process, or updates what is known of it (a link given replaces none).
    void add(const peer_info& info, const std::shared_ptr<connection>& link);
    /// Forgets a process; returns its link, if it had one.
    std::shared_ptr<connection> remove(int pid);
    /// The link to `pid`, or null with `info` filled when there is none yet. Throws
    /// dc::process_exited when `pid` is not a process of the cluster.
    std::shared_ptr<connection> link_or_info(int pid, peer_info& info) const;
    /// Makes `link` the link to `pid` unless one is there already; returns the one to use.
    /// Throws dc::process_exited when `pid` has gone meanwhile.
    std::shared_ptr<connection> attach(int pid, const std::shared_ptr<connection>& link);
    /// Makes `link` the link to `pid` if it has none (a peer that linked to us); a process not
    /// known yet is added with it.
    void attach_incoming(int pid, const std::shared_ptr<connection>& link);
    /// What is known of `pid`, if it is known.
    std::optional<peer_info> info(int pid) const;

private:
    struct process {
        peer_info info;
        std::shared_ptr<connection> link;
    };
    mutable std::mutex mutex_;
    std::map<int, process> processes_;
};

} // namespace dc::detail
