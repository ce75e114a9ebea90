#pragma once
// The requests this process has sent and waits to be answered: request id -> the process asked
// and the state its answer goes to. Thread-safe.

#include <dc/detail/ref_state.hpp>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace dc::detail {

class pending_requests {
public:
    /// A request id unique in the cluster: the sender's id in the high bits.
    std::uint64_t new_id(int self) noexcept {
        return (static_cast<std::uint64_t>(self) << 40) | next_.fetch_add(1);
    }
    /// Registers the state the answer to `req` from `pid` goes to; returns how many requests
    /// are unanswered now.
    std::size_t expect(std::uint64_t req, int pid, std::shared_ptr<ref_state> state);
    void forget(std::uint64_t req);
    /// The state waiting for `req`, taken out (null if none: answered, forgotten or failed).
    std::shared_ptr<ref_state> take(std::uint64_t req);
    /// The state waiting for `req`, left in place (null if none).
    std::shared_ptr<ref_state> find(std::uint64_t req) const;
    /// Takes out every request made to `pid` (it has gone): their states, to fail them.
    std::vector<std::shared_ptr<ref_state>> take_all_to(int pid);
    std::size_t size() const;
    /// The processes asked by the requests still unanswered.
    std::unordered_set<int> awaited() const;

private:
    struct pending {
        int pid;
        std::shared_ptr<ref_state> state;
    };
    mutable std::mutex mutex_;
    std::unordered_map<std::uint64_t, pending> pending_;
    std::atomic<std::uint64_t> next_{1};
};

} // namespace dc::detail
