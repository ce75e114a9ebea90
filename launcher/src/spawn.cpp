#include "spawn.hpp"

#include <dc/errors.hpp>

#include <fcntl.h>
#include <pthread.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <map>
#include <string>
#include <utility>
#include <vector>

extern char** environ;

namespace dc::launcher {
namespace {

/// This process's environment with `overrides` applied, as KEY=VALUE strings.
std::vector<std::string> environment_with(const std::map<std::string, std::string>& overrides) {
    std::vector<std::string> out;
    out.reserve(overrides.size() + 64);
    for (char** e = environ; *e; ++e) {
        const char* eq = std::strchr(*e, '=');
        if (eq && overrides.count(std::string(*e, static_cast<std::size_t>(eq - *e)))) continue;
        out.emplace_back(*e);
    }
    for (const auto& [key, value] : overrides)
        out.push_back(std::string(key).append("=").append(value));
    return out;
}

std::vector<char*> pointers_to(std::vector<std::string>& strings) {
    std::vector<char*> out;
    out.reserve(strings.size() + 1);
    for (auto& s : strings)
        out.push_back(s.data());
    out.push_back(nullptr);
    return out;
}

/// posix_spawn; returns 0 or the error number.
int spawn_fast(pid_t& pid, const worker_command& cmd, const spawn_io& io, char* const argv[],
               char* const envp[]) {
    posix_spawn_file_actions_t actions;
    ::posix_spawn_file_actions_init(&actions);
    if (io.stdin_fd >= 0) {
        ::posix_spawn_file_actions_adddup2(&actions, io.stdin_fd, 0);
    } else {
        ::posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    }
    if (io.output_fd >= 0) {
        ::posix_spawn_file_actions_adddup2(&actions, io.output_fd, 1);
        ::posix_spawn_file_actions_adddup2(&actions, io.output_fd, 2);
    }
    if (!cmd.dir.empty()) ::posix_spawn_file_actions_addchdir_np(&actions, cmd.dir.c_str());
    const int error = ::posix_spawn(&pid, cmd.exe.c_str(), &actions, nullptr, argv, envp);
    ::posix_spawn_file_actions_destroy(&actions);
    return error;
}

/// fork and exec, the child asking for SIGTERM when its parent goes; returns 0 or the error
/// number (reported through a close-on-exec pipe). Only async-signal-safe calls in the child.
int spawn_tied(pid_t& pid, const worker_command& cmd, const spawn_io& io, char* const argv[],
               char* const envp[]) {
    int report[2];
    if (::pipe2(report, O_CLOEXEC) != 0) return errno;
    const pid_t parent = ::getpid();
    pid = ::fork();
    if (pid < 0) {
        const int error = errno;
        ::close(report[0]);
        ::close(report[1]);
        return error;
    }
    if (pid == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (::getppid() != parent) ::_exit(127); // the parent is gone already
        const int in = io.stdin_fd >= 0 ? io.stdin_fd : ::open("/dev/null", O_RDONLY);
        ::dup2(in, 0);
        if (io.output_fd >= 0) {
            ::dup2(io.output_fd, 1);
            ::dup2(io.output_fd, 2);
        }
        if (cmd.dir.empty() || ::chdir(cmd.dir.c_str()) == 0) ::execve(cmd.exe.c_str(), argv, envp);
        const int error = errno;
        [[maybe_unused]] auto n = ::write(report[1], &error, sizeof error);
        ::_exit(127);
    }
    ::close(report[1]);
    int error = 0;
    ssize_t n = 0;
    do {
        n = ::read(report[0], &error, sizeof error);
    } while (n < 0 && errno == EINTR);
    ::close(report[0]);
    if (n == static_cast<ssize_t>(sizeof error)) { // exec failed: the child has exited
        int status = 0;
        ::waitpid(pid, &status, 0);
        return error;
    }
    return 0;
}

} // namespace

/// Writes to a pipe whose reader may already be gone: EPIPE instead of this process's death
/// by SIGPIPE (blocked for this thread meanwhile, and a pending one consumed).
void write_ignoring_sigpipe(int fd, const std::string& text) {
    sigset_t pipe_only, old;
    ::sigemptyset(&pipe_only);
    ::sigaddset(&pipe_only, SIGPIPE);
    ::pthread_sigmask(SIG_BLOCK, &pipe_only, &old);
    const auto n = ::write(fd, text.data(), text.size());
    if (n < 0 && errno == EPIPE) {
        const timespec no_wait{0, 0};
        ::sigtimedwait(&pipe_only, nullptr, &no_wait);
    }
    ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
}

pipe_ends::pipe_ends() {
    if (::pipe2(fds_, O_CLOEXEC) != 0) {
        throw launch_error(std::string("cannot make a pipe: ") + std::strerror(errno));
    }
}

pipe_ends::~pipe_ends() {
    close_read();
    close_write();
}

int pipe_ends::take_read() {
    return std::exchange(fds_[0], -1);
}

int pipe_ends::take_write() {
    return std::exchange(fds_[1], -1);
}

void pipe_ends::close_read() {
    if (fds_[0] >= 0) ::close(take_read());
}

void pipe_ends::close_write() {
    if (fds_[1] >= 0) ::close(take_write());
}

pid_t spawn(const worker_command& cmd, const spawn_io& io) {
    std::vector<std::string> argv_text{cmd.exe};
    argv_text.insert(argv_text.end(), cmd.args.begin(), cmd.args.end());
    auto env_text = environment_with(cmd.env);
    auto argv = pointers_to(argv_text);
    auto envp = pointers_to(env_text);
    pid_t pid = -1;
    const int error = io.dies_with_parent ? spawn_tied(pid, cmd, io, argv.data(), envp.data())
                                          : spawn_fast(pid, cmd, io, argv.data(), envp.data());
    if (error != 0) {
        throw launch_error("cannot start " + cmd.exe + (cmd.dir.empty() ? "" : " in " + cmd.dir) +
                           ": " + std::strerror(error));
    }
    return pid;
}

} // namespace dc::launcher
