#include <dc/launcher/child_process.hpp>
#include <dc/launcher/output_relay.hpp>
#include <dc/launcher/programs.hpp>

#include <dc/errors.hpp>

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <map>
#include <thread>
#include <vector>

extern char** environ;

namespace dc::launcher {
namespace {

/// This process's environment with `overrides` applied, as KEY=VALUE strings.
std::vector<std::string> environment_with(const std::map<std::string, std::string>& overrides) {
    std::vector<std::string> out;
    for (char** e = environ; *e; ++e) {
        const char* eq = std::strchr(*e, '=');
        if (eq && overrides.count(std::string(*e, static_cast<std::size_t>(eq - *e)))) continue;
        out.emplace_back(*e);
    }
    for (const auto& [key, value] : overrides)
        out.push_back(key + "=" + value);
    return out;
}

std::vector<char*> pointers_to(std::vector<std::string>& strings) {
    std::vector<char*> out;
    for (auto& s : strings)
        out.push_back(s.data());
    out.push_back(nullptr);
    return out;
}

} // namespace

struct child_process::impl {
    pid_t pid = -1;
    int output_fd = -1;
    output_relay* relay = nullptr;
    std::optional<int> status;
    int exit_fd = -1; ///< a pidfd: readable once the process has ended (-1: poll instead)
};

// posix_spawn (vfork and exec): nothing of the master's memory is copied, and the caller waits
// only until the program is exec'd; a fork (Boost.Process 1.74: its use_vfork does not build
// with an error_code) cost about a millisecond more per worker. Its output (stdout and
// stderr) goes to one pipe.
child_process::child_process(const worker_command& cmd, output_relay& relay, line_sink sink)
    : impl_(std::make_unique<impl>()) {
    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
        throw launch_error("cannot start " + cmd.exe + ": pipe: " + std::strerror(errno));
    }
    posix_spawn_file_actions_t actions;
    ::posix_spawn_file_actions_init(&actions);
    ::posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    ::posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 1);
    ::posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 2);
    if (!cmd.dir.empty()) ::posix_spawn_file_actions_addchdir_np(&actions, cmd.dir.c_str());
    std::vector<std::string> argv_text{cmd.exe};
    argv_text.insert(argv_text.end(), cmd.args.begin(), cmd.args.end());
    auto env_text = environment_with(cmd.env);
    auto argv = pointers_to(argv_text);
    auto envp = pointers_to(env_text);
    const int error =
        ::posix_spawn(&impl_->pid, cmd.exe.c_str(), &actions, nullptr, argv.data(), envp.data());
    ::posix_spawn_file_actions_destroy(&actions);
    ::close(pipe_fds[1]); // the child's alone now: end of file when it exits
    if (error != 0) {
        ::close(pipe_fds[0]);
        throw launch_error("cannot start " + cmd.exe + (cmd.dir.empty() ? "" : " in " + cmd.dir) +
                           ": " + std::strerror(error));
    }
    impl_->output_fd = pipe_fds[0];
    impl_->relay = &relay;
    relay.add(impl_->output_fd, std::move(sink));
    impl_->exit_fd = static_cast<int>(::syscall(SYS_pidfd_open, impl_->pid, 0));
}

child_process::~child_process() {
    if (impl_->pid > 0 && running()) kill();
    wait_for(std::chrono::seconds(5));
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

void child_process::kill() {
    if (impl_->status) return;
    ::kill(impl_->pid, SIGKILL);
}

void child_process::drain_output(std::chrono::milliseconds limit) {
    impl_->relay->wait_closed(impl_->output_fd, static_cast<int>(limit.count()));
}

} // namespace dc::launcher
