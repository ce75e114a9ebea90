#pragma once
// The untyped client side of a remote channel: operations go to the owner (or run here when
// this process owns it) and wait for the owner's answer.

#include <dc/detail/bytes.hpp>

#include <cereal/types/vector.hpp>

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>

namespace dc::detail {

/// What travels when a channel is sent to another process.
struct channel_ref {
    std::uint64_t id = 0;
    std::int32_t owner = 0;
    std::int64_t weight = 0;
    template <class A> void serialize(A& ar) { ar(id, owner, weight); }
};

class channel_handle {
public:
    /// Creates a channel on `owner` (a round trip when that is another process).
    channel_handle(std::size_t capacity, int owner);
    explicit channel_handle(const channel_ref& r);
    ~channel_handle(); // returns this process's weight to the owner
    channel_handle(const channel_handle&) = delete;
    channel_handle& operator=(const channel_handle&) = delete;

    int owner() const noexcept { return owner_; }
    void put(const bytes& item);
    bytes take();
    std::optional<bytes> try_take();
    bytes fetch();
    bool isready();
    void close();
    bool isopen();
    channel_ref share();

private:
    bytes request(std::uint8_t op, const bytes& payload = {});

    std::uint64_t id_;
    int owner_;
    std::mutex mutex_;
    std::int64_t weight_;
};

} // namespace dc::detail
