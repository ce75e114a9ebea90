#include "ssh/ssh_link.hpp"

#include "ssh/ssh_auth.hpp"
#include "ssh/ssh_io.hpp"

#include <dc/errors.hpp>
#include <dc/launcher/output_lines.hpp>

#include <libssh/callbacks.h>
#include <libssh/libssh.h>

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <csignal>
#include <cstring>
#include <optional>

namespace dc::managers {
namespace {

constexpr int status_connection_lost = 255;

} // namespace

/// A worker's channel as the pump sees it. Guarded by the link's mutex.
struct remote_process {
    int id = 0;
    ssh_channel channel = nullptr;
    launcher::line_splitter lines[2]; // stdout, stderr
    std::shared_ptr<launcher::output_tail> tail = std::make_shared<launcher::output_tail>();
    ssh_link::line_sink sink;
    bool ended = false;
    int status = 0;
    long remote_pid = 0; ///< from the command's first line, "dcrun-pid N"
    // What sshd reported, through channel callbacks (run under the link's mutex): the channel
    // may stay "open" after its close while unread data remains, so closing is noted here.
    std::optional<int> reported_status;
    bool remote_closed = false;
    ssh_channel_callbacks_struct callbacks{};

    void watch(ssh_channel c) {
        callbacks.userdata = this;
        callbacks.channel_exit_status_function = [](ssh_session, ssh_channel, int code, void* u) {
            static_cast<remote_process*>(u)->reported_status = code;
        };
        callbacks.channel_exit_signal_function = [](ssh_session, ssh_channel, const char* sig, int,
                                                    const char*, const char*, void* u) {
            const std::string name = sig ? sig : "";
            const int number = name == "KILL"   ? SIGKILL
                               : name == "TERM" ? SIGTERM
                               : name == "INT"  ? SIGINT
                               : name == "SEGV" ? SIGSEGV
                               : name == "ABRT" ? SIGABRT
                                                : 0;
            static_cast<remote_process*>(u)->reported_status = 128 + number;
        };
        callbacks.channel_close_function = [](ssh_session, ssh_channel, void* u) {
            static_cast<remote_process*>(u)->remote_closed = true;
        };
        ssh_callbacks_init(&callbacks);
        ssh_set_channel_callbacks(c, &callbacks);
    }

    void deliver(const std::string& line) {
        tail->add(line);
        if (sink) sink(id, line);
    }
};

/// What the master holds for a worker started over SSH.
class ssh_worker final : public launched_worker {
public:
    ssh_worker(std::shared_ptr<ssh_link> link, std::shared_ptr<remote_process> p)
        : link_(std::move(link)), p_(std::move(p)) {}

    int id() const override { return p_->id; }
    std::string host() const override { return link_->host().host; }
    std::string describe() const override {
        std::lock_guard lock(link_->mutex_);
        return "ssh " + link_->host().display() +
               (p_->remote_pid > 0 ? ", pid " + std::to_string(p_->remote_pid) : "");
    }
    bool running() override {
        std::lock_guard lock(link_->mutex_);
        return !p_->ended;
    }
    std::optional<int> exit_status() override {
        std::lock_guard lock(link_->mutex_);
        if (!p_->ended) return std::nullopt;
        return p_->status;
    }
    bool wait_for(std::chrono::milliseconds limit) override {
        std::unique_lock lock(link_->mutex_);
        return link_->changed_.wait_for(lock, limit, [&] { return p_->ended; });
    }
    void kill() override {
        long pid = 0;
        {
            std::lock_guard lock(link_->mutex_);
            if (p_->ended) return;
            // Closing standard input ends a dc worker; sshd delivers signals only with privilege
            // separation (not for root), so a program that is not a dc worker yet is killed
            // through a second channel.
            ssh_channel_request_send_signal(p_->channel, "KILL");
            ssh_channel_send_eof(p_->channel);
            pid = p_->remote_pid;
        }
        if (pid > 0) {
            try {
                link_->run("kill -KILL " + std::to_string(pid) + " 2>/dev/null; true");
            } catch (const std::exception&) {
                // the connection is gone, and the worker with it
            }
        }
        link_->wake();
    }
    void drain_output(std::chrono::milliseconds limit) override { wait_for(limit); }
    std::vector<std::string> last_output() const override { return p_->tail->lines(); }

private:
    std::shared_ptr<ssh_link> link_;
    std::shared_ptr<remote_process> p_;
};

ssh_link::ssh_link(const ssh_host& host, const ssh_settings& settings)
    : host_(host), session_(open_authenticated_session(host, settings)),
      wake_fd_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
    auto* event = ssh_event_new();
    ssh_event_add_session(event, as_session(session_));
    event_ = event;
    pump_ = std::thread([this] { pump(); });
}

ssh_link::~ssh_link() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake();
    if (pump_.joinable()) pump_.join();
    auto s = as_session(session_);
    for (auto& p : processes_) {
        if (p->channel) ssh_channel_free(p->channel);
    }
    for (auto& r : relays_) {
        ssh_channel_free(r->channel);
        ::close(r->fd);
    }
    ssh_event_remove_session(static_cast<ssh_event>(event_), s);
    ssh_event_free(static_cast<ssh_event>(event_));
    ssh_disconnect(s);
    ssh_free(s);
    ::close(wake_fd_);
}

void ssh_link::wake() {
    const std::uint64_t one = 1;
    [[maybe_unused]] auto n = ::write(wake_fd_, &one, sizeof one);
}

std::string ssh_link::run(const std::string& command) {
    std::lock_guard lock(mutex_);
    auto s = as_session(session_);
    ssh_channel channel = ssh_channel_new(s);
    std::string out;
    const auto fail = [&](const std::string& what) {
        std::string text = "ssh manager: " + host_.display() + ": " + what;
        if (channel) ssh_channel_free(channel);
        return launch_error(text);
    };
    if (!channel || ssh_channel_open_session(channel) != SSH_OK ||
        ssh_channel_request_exec(channel, command.c_str()) != SSH_OK) {
        throw fail("cannot run '" + command + "': " + ssh_get_error(s));
    }
    std::array<char, 4096> buf{};
    for (int n; (n = ssh_channel_read(channel, buf.data(), buf.size(), 0)) > 0;)
        out.append(buf.data(), static_cast<std::size_t>(n));
    ssh_channel_send_eof(channel);
    const int status = ssh_channel_get_exit_status(channel);
    ssh_channel_close(channel);
    ssh_channel_free(channel);
    channel = nullptr;
    if (status != 0) {
        throw fail("'" + command + "' failed there with exit code " + std::to_string(status));
    }
    return out;
}

std::unique_ptr<launched_worker> ssh_link::start_worker(int id, const std::string& command,
                                                        const std::string& secret, line_sink sink) {
    auto p = std::make_shared<remote_process>();
    p->id = id;
    p->sink = std::move(sink);
    {
        std::lock_guard lock(mutex_);
        auto s = as_session(session_);
        ssh_channel channel = ssh_channel_new(s);
        if (!channel || ssh_channel_open_session(channel) != SSH_OK ||
            ssh_channel_request_exec(channel, command.c_str()) != SSH_OK ||
            !write_channel(channel, secret.data(), secret.size())) {
            std::string why = ssh_get_error(s);
            if (channel) ssh_channel_free(channel);
            throw launch_error("ssh manager: worker " + std::to_string(id) + " on " +
                               host_.display() + ": cannot start it: " + why +
                               " (sshd's MaxSessions limits the workers of one connection)");
        }
        p->channel = channel;
        p->watch(channel);
        processes_.push_back(p);
    }
    wake();
    return std::make_unique<ssh_worker>(shared_from_this(), p);
}

void ssh_link::pump() {
    const int ssh_fd = ssh_get_fd(as_session(session_));
    std::vector<pollfd> fds;
    for (;;) {
        fds.assign({{ssh_fd, POLLIN, 0}, {wake_fd_, POLLIN, 0}});
        {
            std::lock_guard lock(mutex_);
            if (stopping_) return;
            for (const auto& r : relays_)
                fds.push_back({r->fd, POLLIN, 0});
        }
        ::poll(fds.data(), fds.size(), 200);
        std::uint64_t drained = 0;
        [[maybe_unused]] auto n = ::read(wake_fd_, &drained, sizeof drained);
        std::lock_guard lock(mutex_);
        if (stopping_) return;
        // Read what arrived: channel reads alone stop reading the socket once every live
        // channel has seen EOF, and a close behind that EOF would never be seen.
        ssh_event_dopoll(static_cast<ssh_event>(event_), 0);
        service_processes();
        if (!tunnel_target_.empty()) service_tunnel();
        if (ssh_is_connected(as_session(session_)) == 0) {
            lose_connection(ssh_get_error(as_session(session_)));
            changed_.notify_all();
            return;
        }
        changed_.notify_all();
    }
}

void ssh_link::service_processes() {
    std::array<char, 16384> buf{};
    for (auto& p : processes_) {
        if (p->ended) continue;
        bool failed = false;
        for (int is_stderr = 0; is_stderr < 2; ++is_stderr) {
            for (;;) {
                const int n =
                    ssh_channel_read_nonblocking(p->channel, buf.data(), buf.size(), is_stderr);
                if (n == SSH_ERROR) failed = true;
                if (n <= 0) break;
                p->lines[is_stderr].feed(
                    buf.data(), static_cast<std::size_t>(n), [&](const std::string& line) {
                        if (!is_stderr && p->remote_pid == 0 && line.rfind("dcrun-pid ", 0) == 0) {
                            p->remote_pid = std::atol(line.c_str() + 10);
                            return;
                        }
                        p->deliver(line);
                    });
            }
        }
        // Ended: all output read, and sshd closed the channel or sent EOF and the exit status.
        const bool drained =
            ssh_channel_poll(p->channel, 0) <= 0 && ssh_channel_poll(p->channel, 1) <= 0;
        const bool done = p->remote_closed || ssh_channel_is_closed(p->channel) ||
                          (ssh_channel_is_eof(p->channel) && p->reported_status);
        if (failed) {
            finish(*p, status_connection_lost);
        } else if (done && drained) {
            finish(*p, p->reported_status.value_or(status_connection_lost));
        }
    }
}

void ssh_link::finish(remote_process& p, int status) {
    for (auto& lines : p.lines)
        lines.finish([&](const std::string& line) { p.deliver(line); });
    ssh_channel_free(p.channel);
    p.channel = nullptr;
    p.ended = true;
    p.status = status;
}

void ssh_link::lose_connection(const std::string& why) {
    for (auto& p : processes_) {
        if (p->ended) continue;
        p->tail->add("dcrun: the SSH connection to " + host_.display() + " was lost: " + why);
        finish(*p, status_connection_lost);
    }
}

} // namespace dc::managers
