#pragma once
// The values this process computed for remotecall and has not yet freed, with the weight of
// references that other processes still hold (weighted reference counting).

#include <cstdint>
#include <dc/detail/bytes.hpp>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>

#include <vector>

namespace dc::detail {

class value_store {
public:
    /// Weight a new value starts with; the caller's future holds all of it.
    static constexpr std::int64_t initial_weight = std::int64_t{1} << 62;
    /// What a holder whose share ran out (after ~60 splits) gets from the owner. Far below
    /// initial_weight: the owner's count must not overflow (it holds initial_weight already).
    static constexpr std::int64_t top_up_weight = std::int64_t{1} << 40;

    /// Someone asked for the value before it was ready.
    struct waiter {
        int pid;
        std::uint64_t req;
        bool wants_value; ///< false: only "done" is wanted
    };
    struct stored {
        bool is_error;
        std::shared_ptr<const bytes> data;
    };

    /// A call that will produce `ref` has arrived.
    void expect(std::uint64_t ref);
    /// The call finished; returns who was waiting. The value is dropped at once if every
    /// reference was already released.
    std::vector<waiter> put(std::uint64_t ref, bool is_error, std::shared_ptr<const bytes> data);
    /// The value if ready; otherwise registers `w` (when given) and returns nothing.
    /// Throws dc::error if `ref` is unknown or freed.
    std::optional<stored> get(std::uint64_t ref, const std::optional<waiter>& w);
    /// A holder returned `weight`; frees the value when no weight is left.
    void release(std::uint64_t ref, std::int64_t weight);
    /// A holder needs more weight to share its reference further.
    void add_weight(std::uint64_t ref, std::int64_t weight);
    /// Forgets waiters that belong to a process that exited.
    void drop_waiters(int pid);
    /// Number of values held (ready or being computed).
    std::size_t size() const;

private:
    struct entry {
        bool call_seen = false;
        bool ready = false;
        bool is_error = false;
        std::int64_t weight = 0;
        std::shared_ptr<const bytes> data;
        std::vector<waiter> waiters;
    };
    void erase_if_unreferenced(std::unordered_map<std::uint64_t, entry>::iterator it);

    mutable std::mutex mutex_;
    std::unordered_map<std::uint64_t, entry> entries_;
};

} // namespace dc::detail
