#include <dc/launcher/output_relay.hpp>

#include <dc/errors.hpp>

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>
#include <vector>

namespace dc::launcher {

output_relay::output_relay() {
    if (::pipe2(wake_, O_CLOEXEC | O_NONBLOCK) != 0)
        throw error(std::string("cannot make a pipe: ") + std::strerror(errno));
    thread_ = std::thread([this] { loop(); });
}

output_relay::~output_relay() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    [[maybe_unused]] auto n = ::write(wake_[1], "x", 1);
    thread_.join();
    for (auto& [fd, s] : sources_)
        ::close(fd);
    ::close(wake_[0]);
    ::close(wake_[1]);
}

void output_relay::add(int fd, line_sink sink) {
    ::fcntl(fd, F_SETFD, FD_CLOEXEC);
    {
        std::lock_guard lock(mutex_);
        sources_[fd] = {std::move(sink), {}};
    }
    [[maybe_unused]] auto n = ::write(wake_[1], "x", 1);
}

bool output_relay::wait_closed(int fd, int limit_ms) {
    std::unique_lock lock(mutex_);
    return closed_cv_.wait_for(lock, std::chrono::milliseconds(limit_ms),
                               [&] { return sources_.count(fd) == 0; });
}

void output_relay::read_from(int fd, source& s) {
    char buf[4096];
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) return;
    if (n <= 0) { // end of file: flush a last unterminated line
        s.lines.finish(s.sink);
        ::close(fd);
        std::lock_guard lock(mutex_);
        sources_.erase(fd);
        closed_cv_.notify_all();
        return;
    }
    s.lines.feed(buf, static_cast<std::size_t>(n), s.sink);
}

void output_relay::loop() {
    for (;;) {
        std::vector<pollfd> fds{{wake_[0], POLLIN, 0}};
        {
            std::lock_guard lock(mutex_);
            if (stopping_) return;
            for (auto& [fd, s] : sources_)
                fds.push_back({fd, POLLIN, 0});
        }
        if (::poll(fds.data(), fds.size(), -1) < 0) continue;
        if (fds[0].revents) {
            char drain[64];
            while (::read(wake_[0], drain, sizeof drain) > 0) {
            }
        }
        for (std::size_t i = 1; i < fds.size(); ++i) {
            if (!fds[i].revents) continue;
            source* s = nullptr;
            {
                std::lock_guard lock(mutex_);
                auto it = sources_.find(fds[i].fd);
                if (it != sources_.end()) s = &it->second; // map nodes are stable
            }
            if (s) read_from(fds[i].fd, *s);
        }
    }
}

} // namespace dc::launcher
