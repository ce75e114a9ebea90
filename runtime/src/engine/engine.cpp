#include "engine/engine.hpp"

#include "util/log.hpp"

#include <dc/errors.hpp>

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace dc::detail {
namespace {

thread_local int driver_depth = 0;

/// Marks this thread as the driver for a scope (exception-safe).
struct driving {
    driving() { ++driver_depth; }
    ~driving() { --driver_depth; }
    driving(const driving&) = delete;
    driving& operator=(const driving&) = delete;
};

// How long after a user thread stopped driving the background driver stays away: long enough
// to cover the gap between two calls of a tight loop.
constexpr auto foreground_linger = std::chrono::milliseconds(2);

long long now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               engine::clock::now().time_since_epoch())
        .count();
}

void add_fd(int epoll_fd, int fd) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = fd;
    ::epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &ev);
}

} // namespace

engine::engine(handler& h, std::chrono::microseconds spin)
    : handler_(h), spin_(spin), epoll_fd_(::epoll_create1(EPOLL_CLOEXEC)),
      background_fd_(::epoll_create1(EPOLL_CLOEXEC)),
      wake_fd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
    if (epoll_fd_ < 0 || background_fd_ < 0 || wake_fd_ < 0) {
        throw dc::error(std::string("cannot create the event loop: ") + std::strerror(errno));
    }
    add_fd(epoll_fd_, wake_fd_);
    add_fd(background_fd_, wake_fd_);
}

engine::~engine() {
    stop_background();
    ::close(epoll_fd_);
    ::close(background_fd_);
    ::close(wake_fd_);
}

bool engine::on_driver_thread() noexcept {
    return driver_depth > 0;
}

void engine::add(const std::shared_ptr<connection>& c, std::deque<inbound> early) {
    if (!early.empty()) {
        std::lock_guard role(role_);
        for (auto& frame : early)
            inbox_.push_back(std::move(frame));
    }
    {
        std::lock_guard lock(watched_mutex_);
        watched_[c->fd()] = {c, nullptr};
    }
    add_fd(epoll_fd_, c->fd());
    add_fd(background_fd_, c->fd());
}

void engine::watch(int fd, std::function<void()> on_ready) {
    {
        std::lock_guard lock(watched_mutex_);
        watched_[fd] = {nullptr, std::move(on_ready)};
    }
    add_fd(epoll_fd_, fd);
    add_fd(background_fd_, fd);
}

void engine::remove(const std::shared_ptr<connection>& c) {
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, c->fd(), nullptr);
    ::epoll_ctl(background_fd_, EPOLL_CTL_DEL, c->fd(), nullptr);
    std::lock_guard lock(watched_mutex_);
    auto it = watched_.find(c->fd());
    if (it != watched_.end() && it->second.conn == c) watched_.erase(it);
}

void engine::wake() {
    std::uint64_t one = 1;
    [[maybe_unused]] auto n = ::write(wake_fd_, &one, sizeof one);
}

void engine::poll_once(int timeout_ms) {
    epoll_event events[64];
    int n = ::epoll_wait(epoll_fd_, events, 64, timeout_ms);
    if (n > 0) { // bytes flowing count as activity: keep polling while a large frame streams in
        last_activity_ns_.store(now_ns(), std::memory_order_relaxed);
    }
    for (int i = 0; i < n; ++i) {
        const int fd = events[i].data.fd;
        if (fd == wake_fd_) {
            std::uint64_t count;
            [[maybe_unused]] auto r = ::read(wake_fd_, &count, sizeof count);
            continue;
        }
        watched entry;
        {
            std::lock_guard lock(watched_mutex_);
            auto it = watched_.find(fd);
            if (it == watched_.end()) continue;
            entry = it->second;
        }
        if (entry.on_ready) {
            entry.on_ready();
            continue;
        }
        std::string why;
        if (!entry.conn->read_frames(inbox_, why)) {
            remove(entry.conn);
            inbox_.push_back({entry.conn, {}});
            entry.conn->set_label(entry.conn->label() + " (" + why + ")");
        }
    }
    if (!inbox_.empty()) dispatch_inbox();
}

void engine::wake_sleepers() {
    if (sleepers_.load(std::memory_order_acquire) == 0) return;
    {
        std::lock_guard lock(sleep_mutex_);
        ++generation_;
    }
    sleep_cv_.notify_all();
}

void engine::dispatch_inbox() {
    while (!inbox_.empty()) {
        inbound item = std::move(inbox_.front());
        inbox_.pop_front();
        last_activity_ns_.store(now_ns(), std::memory_order_relaxed);
        try {
            if (item.body.empty()) {
                handler_.on_closed(item.from, item.from->label());
            } else {
                handler_.on_frame(item.from, std::move(item.body));
            }
        } catch (const std::exception& e) {
            DC_LOG(error, "dropping a message from " << item.from->label() << ": " << e.what());
        }
    }
    wake_sleepers();
}

void engine::drive(const std::function<bool()>& ready, clock::time_point deadline,
                   std::chrono::milliseconds recheck) {
    const long long start = now_ns();
    driving scope;
    while (!ready()) {
        const auto now = clock::now();
        if (now >= deadline) break;
        const long long spin_until =
            std::max(start, last_activity_ns_.load(std::memory_order_relaxed)) +
            spin_.count() * 1000;
        if (now.time_since_epoch().count() < spin_until) {
            poll_once(0);
            continue;
        }
        auto block = std::min<clock::duration>(deadline - now, recheck);
        poll_once(static_cast<int>(std::max<long long>(
            1, std::chrono::duration_cast<std::chrono::milliseconds>(block).count())));
    }
}

void engine::release_role() {
    foreground_until_ns_.store(now_ns() + std::chrono::nanoseconds(foreground_linger).count(),
                               std::memory_order_relaxed);
    role_.unlock();
    wake_sleepers();
}

bool engine::wait_until(const std::function<bool()>& ready, clock::time_point deadline,
                        std::chrono::milliseconds recheck) {
    if (driver_depth > 0) { // nested wait inside a dispatched call: keep driving
        drive(ready, deadline, recheck);
        return ready();
    }
    while (!ready()) {
        if (clock::now() >= deadline) return false;
        if (role_.try_lock()) {
            try {
                drive(ready, deadline, recheck);
            } catch (...) {
                release_role();
                throw;
            }
            release_role();
            continue;
        }
        // Another thread drives: sleep until it has dispatched something or stepped down.
        std::unique_lock lock(sleep_mutex_);
        const auto seen = generation_;
        sleepers_.fetch_add(1, std::memory_order_acq_rel);
        sleep_cv_.wait_for(lock, recheck, [&] { return generation_ != seen; });
        sleepers_.fetch_sub(1, std::memory_order_acq_rel);
    }
    return true;
}

void engine::start_background() {
    if (background_.joinable()) return;
    stopping_ = false;
    background_ = std::thread([this] { background_loop(); });
}

void engine::stop_background() {
    if (!background_.joinable()) return;
    stopping_ = true;
    wake();
    background_.join();
}

void engine::background_loop() {
    while (!stopping_) {
        const long long quiet_at = foreground_until_ns_.load(std::memory_order_relaxed);
        const long long now = now_ns();
        if (now < quiet_at) { // a user thread drives these days: stay out of its way
            std::this_thread::sleep_for(std::chrono::nanoseconds(quiet_at - now));
            continue;
        }
        epoll_event ev;
        // No timeout: stop_background() wakes us through wake_fd_, so an idle master sleeps.
        if (::epoll_wait(background_fd_, &ev, 1, -1) <= 0 || stopping_) continue;
        if (!role_.try_lock()) {
            std::this_thread::sleep_for(foreground_linger);
            continue;
        }
        {
            driving scope;
            poll_once(0);
        }
        role_.unlock();
        wake_sleepers();
    }
}

} // namespace dc::detail
