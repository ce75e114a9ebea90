#include "transport/connection.hpp"

#include <dc/errors.hpp>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <thread>
#include <unistd.h>
#include <utility>

namespace dc::detail {
namespace {

constexpr std::size_t chunk = std::size_t{64} * 1024;
constexpr std::size_t header_size = 8;

std::uint64_t read_length(const char* p) {
    std::uint64_t n = 0;
    for (int i = 7; i >= 0; --i)
        n = (n << 8) | static_cast<unsigned char>(p[i]);
    return n;
}

void write_length(char* p, std::uint64_t n) {
    for (int i = 0; i < 8; ++i)
        p[i] = static_cast<char>((n >> (8 * i)) & 0xff);
}

std::atomic<send_waiter*> waiter{nullptr};

// The peer is draining the buffer right now in the common case, so poll without sleeping for
// a while before blocking (a sleeping sender pays the slow wake-up of this VM per buffer).
// Meanwhile this process keeps reading, so a peer blocked sending to us can go on.
void wait_writable(int fd) {
    const auto spin_until = std::chrono::steady_clock::now() + std::chrono::microseconds(500);
    for (;;) {
        send_waiter* w = waiter.load(std::memory_order_acquire);
        const int incoming = w ? w->read_while_sending() : -1;
        pollfd p[2] = {{fd, POLLOUT, 0}, {incoming, POLLIN, 0}};
        const bool spin = std::chrono::steady_clock::now() < spin_until;
        const int timeout_ms = spin ? 0 : incoming >= 0 ? -1 : 10;
        const int n = ::poll(p, incoming >= 0 ? 2 : 1, timeout_ms);
        if (n > 0 && p[0].revents != 0) return; // writable, or an error sendmsg will report
    }
}

std::atomic<placement_hook> hook{nullptr};
std::atomic<greeting_hook> greeter{nullptr};

} // namespace

void connection::set_placement_hook(placement_hook h) noexcept {
    hook = h;
}

void connection::set_greeting_hook(greeting_hook h) noexcept {
    greeter = h;
}

void connection::set_send_waiter(send_waiter* w) noexcept {
    waiter = w;
}

connection::connection(int fd, std::string label) : fd_(fd), label_(std::move(label)) {
    // Larger kernel buffers mean fewer hand-overs per large array (the defaults, ~200 KiB, cost
    // one wake-up per buffer). Raising them past net.core.[rw]mem_max needs privileges: try.
    constexpr int socket_buffer = 4 << 20;
    for (auto [force, plain] :
         {std::pair{SO_SNDBUFFORCE, SO_SNDBUF}, {SO_RCVBUFFORCE, SO_RCVBUF}}) {
        if (::setsockopt(fd_, SOL_SOCKET, force, &socket_buffer, sizeof socket_buffer) != 0) {
            ::setsockopt(fd_, SOL_SOCKET, plain, &socket_buffer, sizeof socket_buffer);
        }
    }
    ::fcntl(fd_, F_SETFD, FD_CLOEXEC);
    ::fcntl(fd_, F_SETFL, ::fcntl(fd_, F_GETFL) | O_NONBLOCK);
    buffer_.reserve(chunk);
}

connection::~connection() {
    ::close(fd_);
}

void connection::shut_down() noexcept {
    ::shutdown(fd_, SHUT_RDWR);
}

int connection::unread_bytes() const noexcept {
    int n = 0;
    return ::ioctl(fd_, FIONREAD, &n) == 0 ? n : 0;
}

void connection::ping(char body) noexcept {
    std::unique_lock lock(write_mutex_, std::try_to_lock);
    if (!lock.owns_lock()) return; // a frame is being sent: the peer hears from us anyway
    pollfd p{fd_, POLLOUT, 0};
    if (::poll(&p, 1, 0) != 1 || (p.revents & POLLOUT) == 0) return; // no room: never wait
    char frame[header_size + 1];
    write_length(frame, 1);
    frame[header_size] = body;
    if (::send(fd_, frame, sizeof frame, MSG_NOSIGNAL) == static_cast<ssize_t>(sizeof frame)) {
        sends_.fetch_add(1, std::memory_order_relaxed);
    }
}

void connection::declare_dead(const std::string& reason) {
    {
        std::lock_guard lock(dead_mutex_);
        if (dead_reason_.empty()) dead_reason_ = reason;
    }
    shut_down();
}

std::string connection::closed_because(const std::string& what) {
    std::lock_guard lock(dead_mutex_);
    return dead_reason_.empty() ? what : dead_reason_;
}

bool connection::read_frames(std::deque<inbound>& out, std::string& why) {
    for (;;) {
        if (large_length_ > 0) {
            char* target = placed_.destination
                               ? placed_.destination + (large_filled_ - placed_.skip)
                               : large_.data() + large_filled_;
            ssize_t n = ::recv(fd_, target, large_length_ - large_filled_, 0);
            if (n > 0) {
                reads_.fetch_add(1, std::memory_order_relaxed);
                const bool drained = large_filled_ + static_cast<std::size_t>(n) < large_length_ &&
                                     static_cast<std::size_t>(n) < (4u << 20);
                large_filled_ += static_cast<std::size_t>(n);
                if (large_filled_ == large_length_) {
                    out.push_back(
                        {shared_from_this(), std::move(large_), placed_.destination != nullptr});
                    large_.clear();
                    large_filled_ = 0;
                    large_length_ = 0;
                    placed_ = {};
                }
                if (drained) return true; // a short read: the socket is empty for now
                continue;
            }
            if (n < 0 && (errno == EAGAIN || errno == EINTR)) return true;
            why = closed_because(n == 0 ? "end of stream" : std::strerror(errno));
            return false;
        }
        // Compact, then read a chunk after what is buffered.
        if (buffer_begin_ > 0) {
            buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<long>(buffer_begin_));
            buffer_begin_ = 0;
        }
        const std::size_t old = buffer_.size();
        buffer_.resize(old + chunk);
        ssize_t n = ::recv(fd_, buffer_.data() + old, chunk, 0);
        buffer_.resize(old + (n > 0 ? static_cast<std::size_t>(n) : 0));
        if (n == 0) {
            why = closed_because("end of stream");
            return false;
        }
        if (n < 0) {
            if (errno == EAGAIN || errno == EINTR) return true;
            why = closed_because(std::strerror(errno));
            return false;
        }
        reads_.fetch_add(1, std::memory_order_relaxed);
        if (!parse_buffered(out, why)) return false;
        // A short read means the socket is empty for now; level-triggered epoll reports more.
        if (static_cast<std::size_t>(n) < chunk) return true;
    }
}

bool connection::parse_buffered(std::deque<inbound>& out, std::string& why) {
    while (buffer_.size() - buffer_begin_ >= header_size) {
        const char* p = buffer_.data() + buffer_begin_;
        const std::uint64_t length = read_length(p);
        if (length == 0 || length > frame_limit_) {
            why = "frame of " + std::to_string(length) + " bytes refused (limit " +
                  std::to_string(frame_limit_) + ")";
            return false;
        }
        const std::size_t available = buffer_.size() - buffer_begin_ - header_size;
        if (available >= length) {
            std::span<const char> frame(p + header_size, length);
            buffer_begin_ += header_size + length;
            greeting_hook g = greeter.load();
            if (!authenticated && g && g(*this, frame)) continue;
            out.push_back({shared_from_this(), bytes(frame.begin(), frame.end())});
            continue;
        }
        if (length > chunk) { // receive the rest straight into its final storage
            start_large_frame(p + header_size, available, length);
            buffer_.clear();
            buffer_begin_ = 0;
        }
        return true;
    }
    return true;
}

void connection::start_large_frame(const char* start, std::size_t available, std::uint64_t length) {
    large_length_ = length;
    large_filled_ = available;
    placement_hook h = hook.load();
    if (h && authenticated) placed_ = h(std::span<const char>(start, available), length);
    if (placed_.destination && placed_.skip <= available) {
        large_.assign(start, start + placed_.skip);
        std::memcpy(placed_.destination, start + placed_.skip, available - placed_.skip);
        return;
    }
    placed_ = {};
    large_.resize(length);
    std::memcpy(large_.data(), start, available);
}

void connection::send(std::span<const char> head, std::span<const char> body) {
    char length[header_size];
    write_length(length, head.size() + body.size());
    iovec iov[3] = {{length, header_size},
                    {const_cast<char*>(head.data()), head.size()},
                    {const_cast<char*>(body.data()), body.size()}};
    bool waited = false;
    struct act_on_what_was_read { // also when the send throws
        bool& waited;
        ~act_on_what_was_read() {
            if (send_waiter* w = waiter.load(std::memory_order_acquire); waited && w) {
                w->after_waiting_send();
            }
        }
    } after{waited};
    std::unique_lock lock(write_mutex_, std::try_to_lock);
    while (!lock.owns_lock()) { // another thread sends here: keep reading meanwhile
        waited = true;          // NOLINT(clang-analyzer-deadcode.DeadStores): `after` reads it
        send_waiter* w = waiter.load(std::memory_order_acquire);
        pollfd p{w ? w->read_while_sending() : -1, POLLIN, 0};
        if (p.fd >= 0) {
            ::poll(&p, 1, 1);
        } else {
            std::this_thread::yield();
        }
        lock.try_lock();
    }
    if (send_all(iov, 3)) waited = true; // NOLINT(clang-analyzer-deadcode.DeadStores): as above
    sends_.fetch_add(1, std::memory_order_relaxed);
}

bool connection::send_all(iovec* iov, std::size_t count) {
    bool waited = false;
    std::size_t first = 0;
    while (first < count) {
        msghdr msg{};
        msg.msg_iov = iov + first;
        msg.msg_iovlen = count - first;
        ssize_t n = ::sendmsg(fd_, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EAGAIN) {
                waited = true;
                wait_writable(fd_);
                continue;
            }
            if (errno == EINTR) continue;
            throw dc::error("cannot send to " + label_ + ": " + std::strerror(errno));
        }
        auto left = static_cast<std::size_t>(n);
        while (first < count && left >= iov[first].iov_len) {
            left -= iov[first].iov_len;
            ++first;
        }
        if (first < count) {
            iov[first].iov_base = static_cast<char*>(iov[first].iov_base) + left;
            iov[first].iov_len -= left;
        }
    }
    return waited;
}

} // namespace dc::detail
