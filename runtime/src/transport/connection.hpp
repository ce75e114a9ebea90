#pragma once
// A framed, authenticated-or-not byte stream to one peer process.
//
// Frame: 8-byte little-endian body length, then the body (first byte: message kind). Reading is
// done only by the engine's driver thread; writing may happen from any thread.

#include <atomic>
#include <cstdint>
#include <dc/detail/bytes.hpp>
#include <deque>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

struct iovec;

namespace dc::detail {

class connection;
/// A frame read from a connection; an empty body marks end of stream. `placed`: the body
/// holds only the frame's first bytes, the rest went straight to a destination (see placement).
struct inbound {
    std::shared_ptr<connection> from;
    bytes body;
    bool placed = false;
};

/// Where the rest of a large frame goes: body bytes from offset `skip` on are received straight
/// into `destination` (room for length - skip bytes), so a large array is not copied again.
struct placement {
    std::size_t skip = 0;
    char* destination = nullptr; ///< nullptr: keep the whole body in the frame
};
/// Decides a placement from the first bytes of a large frame's body and its length.
using placement_hook = placement (*)(std::span<const char> start, std::uint64_t length);

/// Checks the first frame of an unauthenticated connection as soon as it is read; returns true
/// when it authenticated the connection (the frame is then consumed).
using greeting_hook = bool (*)(connection& c, std::span<const char> frame);

/// Keeps this process reading while one of its sends waits for the peer to read: two processes
/// that send each other large frames at the same moment would otherwise wait for each other for
/// ever (and a flood of answers would block the one thread that reads them).
class send_waiter {
public:
    virtual ~send_waiter() = default;
    /// Called repeatedly while a send waits: reads what has arrived, without acting on it.
    /// Returns a descriptor that becomes readable when more arrives, or -1 when this thread may
    /// not read now (the send then rechecks after a short sleep).
    virtual int read_while_sending() = 0;
    /// Called once after a send that waited, with no connection lock held: acts on what was read.
    virtual void after_waiting_send() = 0;
};

class connection : public std::enable_shared_from_this<connection> {
public:
    /// Largest frame accepted before the peer has authenticated.
    static constexpr std::uint64_t handshake_frame_limit = std::uint64_t{64} * 1024;

    /// Takes ownership of a connected socket; `label` names the peer in messages.
    connection(int fd, std::string label);
    ~connection();
    connection(const connection&) = delete;
    connection& operator=(const connection&) = delete;

    int fd() const noexcept { return fd_; }
    const std::string& label() const noexcept { return label_; }
    void set_label(std::string label) { label_ = std::move(label); }

    /// Reads what is available without blocking and appends complete frames to `out`. Returns
    /// false at end of stream or on a protocol error (then `why` says which).
    bool read_frames(std::deque<inbound>& out, std::string& why);
    void set_frame_limit(std::uint64_t limit) noexcept { frame_limit_ = limit; }
    /// Installs the process-wide placement hook (used only on authenticated connections).
    static void set_placement_hook(placement_hook hook) noexcept;
    static void set_greeting_hook(greeting_hook hook) noexcept;
    /// Installs the process-wide reader used while a send waits (nullptr: just wait).
    static void set_send_waiter(send_waiter* waiter) noexcept;

    /// Sends one frame made of head + body (body may be empty). Blocks until written, reading
    /// meanwhile through the send_waiter. Throws dc::error if the peer is gone.
    void send(std::span<const char> head, std::span<const char> body = {});
    /// Ends the stream in both directions (the peer sees end of stream).
    void shut_down() noexcept;

    // ---- liveness (peers/heartbeat.cpp watches these)
    /// How many reads returned bytes, and how many frames were sent: counters (no clock on the
    /// hot path) that the heartbeat compares between its rounds.
    std::uint64_t reads() const noexcept { return reads_.load(std::memory_order_relaxed); }
    std::uint64_t sends() const noexcept { return sends_.load(std::memory_order_relaxed); }
    /// Bytes that have arrived and wait to be read.
    int unread_bytes() const noexcept;
    /// Sends a frame of the one byte `body`, unless another thread is sending or the socket has
    /// no room (never waits: it is the heartbeat's).
    void ping(char body) noexcept;
    /// Ends the link as dead for `reason`, which reading it then reports as why it closed.
    void declare_dead(const std::string& reason);

    std::atomic<int> peer_id{0}; ///< 0 until the handshake names the peer
    std::atomic<bool> authenticated{false};

private:
    bool parse_buffered(std::deque<inbound>& out, std::string& why);
    /// Sends what `iov` holds; returns true if it had to wait for the peer.
    bool send_all(iovec* iov, std::size_t count);
    void start_large_frame(const char* start, std::size_t available, std::uint64_t length);

    /// Why reading failed: the dead reason when there is one, else `what`.
    std::string closed_because(const std::string& what);

    int fd_;
    std::string label_;
    std::atomic<std::uint64_t> reads_{0};
    std::atomic<std::uint64_t> sends_{0};
    std::mutex dead_mutex_;
    std::string dead_reason_;
    std::uint64_t frame_limit_ = handshake_frame_limit;
    std::mutex write_mutex_;
    bytes buffer_; // received bytes not yet framed, from buffer_begin_
    std::size_t buffer_begin_ = 0;
    bytes large_; // body of a large frame being received directly
    std::size_t large_filled_ = 0;
    std::uint64_t large_length_ = 0;
    placement placed_; // where a placed large frame's tail goes
};

} // namespace dc::detail
