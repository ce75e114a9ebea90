#pragma once
// dc::future<T>: the result of a remote call. The value stays on the process that computed it
// until fetched; fetching brings it here once and caches it.

#include <dc/detail/byte_stream.hpp>
#include <dc/detail/ref_state.hpp>
#include <dc/errors.hpp>

#include <atomic>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>

namespace dc {

template <class T> class future;

namespace detail {
/// The part shared by every copy of one future in one process.
template <class T> struct future_shared {
    explicit future_shared(std::shared_ptr<ref_state> r) : ref(std::move(r)) {}
    std::shared_ptr<ref_state> ref;
    std::once_flag once;
    std::optional<T> value;             ///< written once, inside `once`
    std::atomic<bool> has_value{false}; ///< set (release) after `value`: read it before `value`
    T incoming{};                       ///< where a large contiguous value is received directly
};

/// Fetches the value of `s` and decodes it. Vectors of arithmetic types are received straight
/// into their storage (no copy after the network's own).
template <class T> T fetch_value(future_shared<T>& s) {
    auto& ref = checked(s.ref);
    if constexpr (is_raw_vector<T>::value) {
        using element = typename T::value_type;
        ref.set_sink([&s](std::size_t encoded_size, std::size_t& skip) -> char* {
            skip = sizeof(std::uint64_t); // the element count
            if (encoded_size < skip || (encoded_size - skip) % sizeof(element) != 0) return nullptr;
            s.incoming.resize((encoded_size - skip) / sizeof(element));
            return reinterpret_cast<char*>(s.incoming.data());
        });
        struct unset { // an interrupted fetch may not free storage a transfer still fills
            ref_state& r;
            ~unset() { r.abandon_sink(); }
        } guard{ref};
        auto encoded = ref.fetch_bytes();
        if (ref.placed()) {
            std::uint64_t count = 0;
            std::memcpy(&count, encoded.data(), sizeof count);
            if (count != s.incoming.size()) throw dc::error("dc::future: malformed array value");
            return std::move(s.incoming);
        }
        return decode_as<T>(encoded);
    } else {
        return decode_as<T>(ref.fetch_bytes());
    }
}

/// The decoded value, fetched once (other threads wait for that fetch).
template <class T> const T& cached_value(future_shared<T>& s) {
    std::call_once(s.once, [&s] {
        s.value.emplace(fetch_value(s));
        s.has_value.store(true, std::memory_order_release);
        s.ref->drop_encoded(); // the decoded copy is kept; do not hold the value twice
    });
    return *s.value;
}

inline ref_state& checked(const std::shared_ptr<ref_state>& s) {
    if (!s) throw dc::error("dc::future: this future is empty (default-constructed or moved from)");
    return *s;
}
} // namespace detail

template <class T> class future {
public:
    future() = default;
    explicit future(std::shared_ptr<detail::ref_state> s)
        : shared_(std::make_shared<detail::future_shared<T>>(std::move(s))) {}

    /// Waits, brings the value here (once) and returns it. Throws dc::remote_exception if the
    /// call threw, dc::process_exited if the process holding the value died.
    const T& fetch() & { return get(); }
    /// As above, for a temporary future.
    T fetch() && { return get(); }
    /// Blocks until the value is ready where it was computed; throws like fetch().
    void wait() const { detail::checked(ref()).wait(); }
    /// True if the value is ready (here or where it was computed). Does not throw remote errors.
    bool isready() const { return detail::checked(ref()).isready(); }
    /// Id of the process that holds (or computes) the value.
    int where() const { return detail::checked(ref()).owner(); }

    /// The process-local state (for dc's own patterns).
    const std::shared_ptr<detail::ref_state>& state() const { return ref(); }

    template <class A> void save(A& ar) const {
        auto& state = detail::checked(ref());
        // Another thread may be fetching right now: `value` is complete only once has_value is.
        // share() declines once the value is here only decoded (or received straight into its
        // storage); then the decoded value travels, once the fetch that makes it has ended.
        if (!shared_->has_value.load(std::memory_order_acquire)) {
            if (auto h = state.share()) {
                ar(*h);
                return;
            }
        }
        detail::bytes encoded; // fetched: the value travels, not a reference
        detail::encode_into(encoded, detail::cached_value(*shared_));
        ar(state.share_inline(std::move(encoded)));
    }
    template <class A> void load(A& ar) {
        detail::ref_handle h;
        ar(h);
        *this = future(detail::ref_state::adopt(std::move(h)));
    }

private:
    const std::shared_ptr<detail::ref_state>& ref() const {
        static const std::shared_ptr<detail::ref_state> none;
        return shared_ ? shared_->ref : none;
    }
    const T& get() { return detail::cached_value(*shared_); }

    std::shared_ptr<detail::future_shared<T>> shared_;
};

template <> class future<void> {
public:
    future() = default;
    explicit future(std::shared_ptr<detail::ref_state> s) : ref_(std::move(s)) {}

    /// Waits for completion; throws dc::remote_exception / dc::process_exited like future<T>.
    void fetch() const { detail::checked(ref_).fetch_bytes(); }
    /// The process-local state (for dc's own patterns).
    const std::shared_ptr<detail::ref_state>& state() const { return ref_; }
    void wait() const { detail::checked(ref_).wait(); }
    bool isready() const { return detail::checked(ref_).isready(); }
    int where() const { return detail::checked(ref_).owner(); }

    template <class A> void save(A& ar) const {
        auto h = detail::checked(ref_).share(); // a future<void> keeps its (empty) value
        ar(h ? *h : detail::checked(ref_).share_inline({}));
    }
    template <class A> void load(A& ar) {
        detail::ref_handle h;
        ar(h);
        ref_ = detail::ref_state::adopt(std::move(h));
    }

private:
    std::shared_ptr<detail::ref_state> ref_;
};

} // namespace dc
