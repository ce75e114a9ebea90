#pragma once
// The channels this process owns. Operations never block: a take on an empty channel (or a put
// on a full one) is queued and answered when a later operation makes it possible.

#include <dc/detail/bytes.hpp>

#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <span>
#include <unordered_map>
#include <vector>

namespace dc::detail {

class channel_store {
public:
    /// One answer to send: to process `pid`, for request `req`.
    struct answer {
        int pid;
        std::uint64_t req;
        bool is_error;
        bytes payload;
    };

    /// Applies operation `op` from process `pid`; returns the answers now due (to it or to
    /// earlier waiters).
    std::vector<answer> apply(std::uint64_t channel, std::uint8_t op, int pid, std::uint64_t req,
                              std::span<const char> payload);
    /// Forgets the waiters of a process that exited.
    void drop_waiters(int pid);
    std::size_t size() const;

private:
    struct waiter {
        int pid;
        std::uint64_t req;
        bool removes; ///< take (true) or fetch (false)
    };
    struct putter {
        int pid;
        std::uint64_t req;
        bytes item;
    };
    struct channel {
        std::size_t capacity = 1;
        bool closed = false;
        std::int64_t weight = 0;
        std::deque<bytes> items;
        std::deque<waiter> takers;
        std::deque<putter> putters;
    };

    void on_put(channel& c, int pid, std::uint64_t req, bytes item, std::vector<answer>& out);
    void on_take(channel& c, const waiter& w, std::vector<answer>& out);
    void on_try_take(channel& c, int pid, std::uint64_t req, std::vector<answer>& out);
    /// Closes `c`: its waiting putters fail, and its takers too once no item is left.
    static void on_close(channel& c, std::vector<answer>& out);
    /// Takes out the waiting operation `waiting` of `pid`; false if it was not waiting.
    static bool withdraw(channel& c, int pid, std::uint64_t waiting);
    static void serve_waiters(channel& c, std::vector<answer>& out);
    static void admit_putters(channel& c, std::vector<answer>& out, bool for_taker);

    mutable std::mutex mutex_;
    std::unordered_map<std::uint64_t, channel> channels_;
};

} // namespace dc::detail
