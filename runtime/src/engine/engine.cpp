#include "engine/engine.hpp"

#include "engine/engine_thread.hpp"
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

void add_fd(int epoll_fd, int fd) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = fd;
    ::epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &ev);
}

} // namespace

using namespace engine_thread;

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

void engine::for_each_connection(const std::function<void(const std::shared_ptr<connection>&)>& f) {
    std::vector<std::shared_ptr<connection>> links;
    {
        std::lock_guard lock(watched_mutex_);
        for (const auto& [fd, w] : watched_) {
            if (w.conn) links.push_back(w.conn);
        }
    }
    for (const auto& c : links)
        f(c);
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
    // Calls deferred inside a call that has returned since are due now: never block on them
    // (a wait that ended during its spin leaves them here, and nothing else may arrive).
    const bool deferred_due = !deferred_.empty() && calls_running == 0;
    read_ready(deferred_due ? 0 : timeout_ms);
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

} // namespace dc::detail
