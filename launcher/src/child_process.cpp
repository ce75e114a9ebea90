#include <dc/launcher/child_process.hpp>
#include <dc/launcher/output_relay.hpp>
#include <dc/launcher/programs.hpp>

#include "spawn.hpp"

#include <dc/errors.hpp>

#include <poll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <thread>

namespace dc::launcher {

struct child_process::impl {
    pid_t pid = -1;
    int output_fd = -1;
    int input_fd = -1; ///< our end of its standard input (keep_stdin_open)
    output_relay* relay = nullptr;
    std::optional<int> status;
    int exit_fd = -1; ///< a pidfd: readable once the process has ended (-1: poll instead)

    void start(const worker_command& cmd, const child_options& o, int output);
};

void child_process::impl::start(const worker_command& cmd, const child_options& o, int output) {
    const bool piped_input = o.keep_stdin_open || !o.stdin_text.empty();
    std::optional<pipe_ends> input;
    if (piped_input) input.emplace();
    pid = spawn(cmd, {input ? input->read_end() : -1, output, o.dies_with_parent});
    if (!input) return;
    input_fd = input->take_write(); // the read end is the child's alone now

    // Short texts (a cookie line) fit the pipe's buffer: this does not wait for the child.
    write_ignoring_sigpipe(input_fd, o.stdin_text);
    if (!o.keep_stdin_open) {
        ::close(input_fd);
        input_fd = -1;
    }
}

child_process::child_process(const worker_command& cmd, output_relay& relay, line_sink sink,
                             const child_options& options)
    : impl_(std::make_unique<impl>()) {
    pipe_ends output;
    impl_->start(cmd, options, output.write_end());
    output.close_write(); // the child's alone now: end of file when it exits
    impl_->output_fd = output.take_read();
    impl_->relay = &relay;
    relay.add(impl_->output_fd, std::move(sink));
    impl_->exit_fd = static_cast<int>(::syscall(SYS_pidfd_open, impl_->pid, 0));
}

child_process::child_process(const worker_command& cmd, const child_options& options)
    : impl_(std::make_unique<impl>()) {
    impl_->start(cmd, options, -1);
    impl_->exit_fd = static_cast<int>(::syscall(SYS_pidfd_open, impl_->pid, 0));
}

child_process::~child_process() {
    if (impl_->pid > 0 && running()) kill();
    wait_for(std::chrono::seconds(5));
    close_stdin();
    if (impl_->exit_fd >= 0) ::close(impl_->exit_fd);
}

int child_process::pid() const {
    return impl_->pid;
}

bool child_process::running() {
    if (impl_->status) return false;
    int raw = 0;
    const pid_t r = ::waitpid(impl_->pid, &raw, WNOHANG);
    if (r == 0 || (r < 0 && errno == EINTR)) return true;
    impl_->status = r == impl_->pid ? raw : 0; // not our child any more: count it as ended
    return false;
}

std::optional<int> child_process::exit_status() {
    running();
    if (!impl_->status) return std::nullopt;
    return exit_code_of(*impl_->status);
}

bool child_process::wait_for(std::chrono::milliseconds limit) {
    using namespace std::chrono;
    const auto deadline = steady_clock::now() + limit;
    while (running()) {
        const auto left = duration_cast<milliseconds>(deadline - steady_clock::now());
        if (left.count() <= 0) return false;
        if (impl_->exit_fd >= 0) { // woken the moment it ends
            pollfd ended{impl_->exit_fd, POLLIN, 0};
            ::poll(&ended, 1, static_cast<int>(std::min<milliseconds::rep>(left.count(), 1000)));
        } else {
            std::this_thread::sleep_for(std::min(left, milliseconds(2)));
        }
    }
    return true;
}

int child_process::end_signal() {
    running();
    return impl_->status && WIFSIGNALED(*impl_->status) ? WTERMSIG(*impl_->status) : 0;
}

int child_process::wait() {
    while (!wait_for(std::chrono::hours(1))) {
    }
    return *exit_status();
}

void child_process::signal(int sig) {
    if (!running()) return;
    ::kill(impl_->pid, sig);
}

void child_process::kill() {
    signal(SIGKILL);
}

void child_process::close_stdin() {
    if (impl_->input_fd < 0) return;
    ::close(impl_->input_fd);
    impl_->input_fd = -1;
}

void child_process::drain_output(std::chrono::milliseconds limit) {
    if (!impl_->relay) return; // its output is ours
    impl_->relay->wait_closed(impl_->output_fd, static_cast<int>(limit.count()));
}

} // namespace dc::launcher
