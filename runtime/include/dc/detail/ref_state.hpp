#pragma once
// The process-local half of a future: where its value lives, whether it is ready, and this
// process's share of the owner's reference count (weighted reference counting, so that sending
// a future to another process needs no message to the owner).

#include <dc/detail/byte_stream.hpp>

#include <cereal/types/vector.hpp>

#include <atomic>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <vector>

namespace dc::detail {

/// What travels when a future is sent to another process.
struct ref_handle {
    std::uint64_t id = 0;
    std::int32_t owner = 0;
    std::int64_t weight = 0;
    bool has_value = false; ///< the sender had the value: it travels inline
    bool is_error = false;
    bytes value;

    template <class A> void serialize(A& ar) { ar(id, owner, weight, has_value, is_error, value); }
};

class ref_state : public std::enable_shared_from_this<ref_state> {
public:
    enum class status : int { pending, done, here, failed };

    /// What the owner will send here without being asked.
    enum class arrival { nothing, done, value };

    /// A value computed (or being computed) on `owner`.
    ref_state(std::uint64_t id, int owner, std::int64_t weight, arrival expected);
    /// Returns this process's weight to the owner.
    ~ref_state();
    ref_state(const ref_state&) = delete;
    ref_state& operator=(const ref_state&) = delete;

    /// A value that is already here (a call run in-process).
    static std::shared_ptr<ref_state> make_here(int owner, bytes value, bool is_error);
    /// Rebuilds a state from a handle received from another process.
    static std::shared_ptr<ref_state> adopt(ref_handle&& h);

    std::uint64_t id() const noexcept { return id_; }
    int owner() const noexcept { return owner_; }
    status current() const noexcept { return status_.load(std::memory_order_acquire); }

    /// True when the value is available here or on its owner. Never throws for remote errors.
    bool isready();
    /// Blocks until the value is available on its owner. Throws dc::remote_exception if the call
    /// threw and dc::process_exited if the owner died.
    void wait();
    /// Blocks until the value is here and returns its encoded bytes (moving it from the owner
    /// once). Throws like wait().
    std::span<const char> fetch_bytes();
    /// Handle for sending this future to another process (splits this process's weight, or
    /// carries the value when it is here). Empty when the value is here but its encoded copy
    /// was dropped: a fetch has decoded it, and the caller sends that decoded value instead.
    std::optional<ref_handle> share();
    /// Handle that carries `value` (already encoded) instead of a reference.
    ref_handle share_inline(bytes value) const;
    /// Frees the encoded value once the caller keeps a decoded copy (fetch caches it).
    void drop_encoded() noexcept;

    /// Where a large value may be received directly: given the encoded size, returns storage
    /// for the bytes after the first `skip` (which it sets), or nullptr to decline.
    using sink = std::function<char*(std::size_t encoded_size, std::size_t& skip)>;
    /// Installs (or, with nullptr, removes) the sink used by the next fetch.
    void set_sink(sink s);
    /// Removes the sink; if a value is being received into it, first waits until it is (the
    /// sink's storage must outlive the transfer). Never throws.
    void abandon_sink() noexcept;
    /// Called by the transport when a large value starts to arrive.
    char* place(std::size_t encoded_size, std::size_t& skip);
    /// Runs `callback` once the value is settled (here, done or failed): at once if it is, else
    /// on the thread that delivers the answer. The callback must not block.
    void on_settled(std::function<void()> callback);
    /// A state that settles when all `parts` have: with no value, or with the first error.
    static std::shared_ptr<ref_state> when_all(const std::vector<std::shared_ptr<ref_state>>& parts,
                                               int owner);

    /// True when the value was received through the sink (fetch_bytes then holds only the
    /// first `skip` bytes).
    bool placed() const noexcept { return placed_; }

    // Called by the runtime when messages arrive.
    void on_value(std::shared_ptr<const bytes> data, std::size_t offset, bool is_error);
    void on_done(bool is_error);
    void on_failed(std::exception_ptr e);

private:
    void rethrow_if_failed();
    bool in_local_store() const;
    void run_settled_callbacks();
    void release_weight();

    std::uint64_t id_;
    int owner_;
    std::atomic<status> status_{status::pending};
    std::atomic<bool> remote_error_{false};
    const arrival expected_;
    std::mutex mutex_; // guards weight_, data_, error_, watching_, fetching_
    std::int64_t weight_;
    bool watching_ = false;
    sink sink_;
    std::vector<std::function<void()>> settled_callbacks_;
    std::atomic<bool> placing_{false};
    std::atomic<bool> placed_{false};
    std::shared_ptr<const bytes> data_;
    std::size_t offset_ = 0;
    std::exception_ptr error_;
};

} // namespace dc::detail
