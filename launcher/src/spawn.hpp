#pragma once
// The one place that starts a process (for child_process and run_tool).

#include <dc/launcher/worker_command.hpp>

#include <sys/types.h>

#include <string>

namespace dc::launcher {

struct spawn_io {
    int stdin_fd = -1;  ///< the child's standard input; -1: /dev/null
    int output_fd = -1; ///< its standard output and error; -1: this process's own
    /// SIGTERM to it when the thread that starts it ends (PR_SET_PDEATHSIG): a fork. Otherwise
    /// posix_spawn (vfork and exec): nothing of this process's memory is copied, and the caller
    /// waits only until the program is exec'd (a fork costs about a millisecond more here).
    bool dies_with_parent = false;
};

/// Starts `cmd` (its env added to ours, in its dir); returns its pid. Throws dc::launch_error
/// naming the program and the cause when it cannot be started.
pid_t spawn(const worker_command& cmd, const spawn_io& io);

/// A close-on-exec pipe; the ends still held are closed when it goes. Throws dc::launch_error
/// when the system has none left.
class pipe_ends {
public:
    pipe_ends();
    ~pipe_ends();
    pipe_ends(const pipe_ends&) = delete;
    pipe_ends& operator=(const pipe_ends&) = delete;
    int read_end() const { return fds_[0]; }
    int write_end() const { return fds_[1]; }
    /// Hands an end over (the caller closes it); -1 once taken or closed.
    int take_read();
    int take_write();
    void close_read();
    void close_write();

private:
    int fds_[2] = {-1, -1};
};

/// Writes `text` to a pipe whose reader may be gone already: EPIPE instead of this process's
/// death by SIGPIPE.
void write_ignoring_sigpipe(int fd, const std::string& text);

} // namespace dc::launcher
