#include "engine/engine.hpp"

#include "engine/interrupts.hpp"

#include "util/log.hpp"

#include <dc/errors.hpp>

#include <sched.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace dc::detail {
namespace {

thread_local int driver_depth = 0;
thread_local int calls_running = 0;      // user calls this thread is executing (dispatched by us)
thread_local bool read_as_guest = false; // read frames into the inbox while a send waited

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
    {
        std::lock_guard lock(helper_mutex_);
        stopping_ = true;
        helper_cv_.notify_all();
    }
    wake();
    for (auto& t : helpers_)
        t.join();
    ::close(epoll_fd_);
    ::close(background_fd_);
    ::close(wake_fd_);
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

int engine::read_ready(int timeout_ms) {
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
    return n;
}

void engine::poll_once(int timeout_ms) {
    read_ready(timeout_ms);
    if (!inbox_.empty() || (!deferred_.empty() && calls_running == 0)) dispatch_inbox();
}

// A driver (dispatching a frame or running a call) holds the role: it reads into the inbox and
// its dispatch loop acts on the frames when the send is done. Any other thread reads only if
// the role is free, and acts on what it read after the send (after_waiting_send).
int engine::read_while_sending() {
    if (driver_depth > 0) {
        read_ready(0);
        return epoll_fd_;
    }
    if (!role_.try_lock()) return -1;
    read_ready(0);
    read_as_guest = true;
    role_.unlock();
    return epoll_fd_;
}

void engine::after_waiting_send() {
    if (!read_as_guest) return;
    read_as_guest = false;
    if (!poll_now()) wake(); // the driver acts on the inbox when its poll returns
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
    const bool inside_call = calls_running > 0;
    if (!inside_call) { // calls deferred earlier come first: they arrived before the inbox
        while (!deferred_.empty()) {
            inbox_.push_front(std::move(deferred_.back()));
            deferred_.pop_back();
        }
    }
    while (!inbox_.empty()) {
        inbound item = std::move(inbox_.front());
        inbox_.pop_front();
        last_activity_ns_.store(now_ns(), std::memory_order_relaxed);
        const bool user_code = !item.body.empty() && handler_.runs_user_code(item.body);
        if (user_code && inside_call) {
            deferred_.push_back(std::move(item));
            continue;
        }
        try {
            if (item.body.empty()) {
                handler_.on_closed(item.from, item.from->label());
            } else if (user_code) {
                ++calls_running;
                struct done {
                    ~done() { --calls_running; }
                } guard;
                handler_.on_frame(item.from, std::move(item.body));
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
        if (reclaimers_.load(std::memory_order_acquire) > 0) yield_role();
        const auto now = clock::now();
        if (now >= deadline) break;
        const long long spin_until =
            std::max(start, last_activity_ns_.load(std::memory_order_relaxed)) +
            spin_.count() * 1000;
        if (now.time_since_epoch().count() < spin_until) {
            poll_once(0);
            // When processes outnumber cores, a spinning thread must let the one it waits for
            // run (Open MPI's yield_when_idle); with a core to spare this returns at once.
            ::sched_yield();
            continue;
        }
        auto block = std::min<clock::duration>(deadline - now, recheck);
        poll_once(static_cast<int>(std::max<long long>(
            1, std::chrono::duration_cast<std::chrono::milliseconds>(block).count())));
    }
}

// A blocked call is ready again and waits for the role (its frames below need it): let it have
// the role until it has finished, then carry on driving.
void engine::yield_role() {
    role_.unlock();
    for (int spins = 0; reclaimers_.load(std::memory_order_acquire) > 0; ++spins) {
        if (spins < 100) {
            std::this_thread::yield();
        } else {
            std::this_thread::sleep_for(std::chrono::microseconds(50));
        }
    }
    role_.lock();
}

void engine::release_role() {
    foreground_until_ns_.store(now_ns() + std::chrono::nanoseconds(foreground_linger).count(),
                               std::memory_order_relaxed);
    role_.unlock();
    wake_sleepers();
}

bool engine::wait_until(const std::function<bool()>& ready, clock::time_point deadline,
                        std::chrono::milliseconds recheck) {
    const std::uint64_t start = terminal_interrupts();
    auto stop = [&] { return ready() || wait_interrupted(start); };
    wait_plain(stop, deadline, recheck);
    if (ready()) return true;
    if (wait_interrupted(start)) {
        throw interrupted_error(current_interrupt_flag()
                                    ? "this call was interrupted (dc::interrupt)"
                                    : "interrupted (Ctrl-C); the cluster is still usable");
    }
    return false;
}

bool engine::poll_now() {
    if (driver_depth > 0) {
        poll_once(0);
        return true;
    }
    if (!role_.try_lock()) return false; // the driver reads for us
    {
        driving scope;
        poll_once(0);
    }
    role_.unlock();
    wake_sleepers();
    return true;
}

bool engine::wait_plain(const std::function<bool()>& ready, clock::time_point deadline,
                        std::chrono::milliseconds recheck) {
    if (driver_depth > 0) return wait_inside_call(ready, deadline, recheck);
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

bool engine::wait_inside_call(const std::function<bool()>& ready, clock::time_point deadline,
                              std::chrono::milliseconds recheck) {
    // 1. Spin as the driver, handling replies only (calls are deferred while calls_running).
    const auto spin_until = std::min(deadline, clock::now() + spin_);
    while (!ready() && clock::now() < spin_until) {
        poll_once(0);
        ::sched_yield();
    }
    if (ready() || clock::now() >= deadline) return ready();
    // 2. Hand the role to a helper and sleep; 3. take the role back for the caller's frames.
    const int depth = driver_depth;
    const int calls = calls_running;
    driver_depth = 0;
    calls_running = 0;
    blocked_.fetch_add(1);
    role_.unlock();
    start_helper_if_needed();
    sleep_until(ready, deadline, recheck);
    reclaimers_.fetch_add(1);
    blocked_.fetch_sub(1);
    wake(); // a helper blocked in epoll notices the reclaim
    role_.lock();
    reclaimers_.fetch_sub(1);
    driver_depth = depth;
    calls_running = calls;
    return ready();
}

void engine::sleep_until(const std::function<bool()>& ready, clock::time_point deadline,
                         std::chrono::milliseconds recheck) {
    while (!ready() && clock::now() < deadline) {
        std::unique_lock lock(sleep_mutex_);
        const auto seen = generation_;
        sleepers_.fetch_add(1, std::memory_order_acq_rel);
        sleep_cv_.wait_for(lock, recheck, [&] { return generation_ != seen; });
        sleepers_.fetch_sub(1, std::memory_order_acq_rel);
    }
}

void engine::start_helper_if_needed() {
    std::lock_guard lock(helper_mutex_);
    if (idle_helpers_ == 0) {
        helpers_.emplace_back([this] { helper_loop(); });
        DC_LOG(debug, "a call blocks: started driver helper " << helpers_.size());
    }
    helper_cv_.notify_one();
}

void engine::helper_loop() {
    std::unique_lock lock(helper_mutex_);
    while (!stopping_) {
        ++idle_helpers_;
        helper_cv_.wait_for(lock, std::chrono::milliseconds(100), [this] {
            return stopping_ || (blocked_.load() > 0 && reclaimers_.load() == 0);
        });
        --idle_helpers_;
        if (stopping_ || blocked_.load() == 0 || reclaimers_.load() > 0) continue;
        lock.unlock();
        if (role_.try_lock()) {
            drive([this] { return stopping_ || reclaimers_.load() > 0 || blocked_.load() == 0; },
                  clock::time_point::max(), std::chrono::milliseconds(100));
            role_.unlock();
            wake_sleepers();
        }
        lock.lock();
    }
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
