#pragma once
// A started process: local workers, srun, and dcrun's master all start this way (the batch
// tools through run_tool, on the same path). Standard input: /dev/null, or a text written at
// start (kept open on request); output: lines to a sink through an output_relay, or this
// process's own; optionally tied to the starting thread's life (SIGTERM when it ends).

#include <dc/launcher/worker_command.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace dc::launcher {

class output_relay;

struct child_options {
    std::string stdin_text; ///< written to its standard input as it starts
    /// Its standard input stays open until close_stdin() (srun: its workers end when it
    /// closes); otherwise it reads end of file after stdin_text (/dev/null without one).
    bool keep_stdin_open = false;
    /// SIGTERM to it when the thread that starts it ends (srun, dcrun's master).
    bool dies_with_parent = false;
};

class child_process {
public:
    using line_sink = std::function<void(const std::string& line)>;

    /// Starts `cmd`; its output lines (stdout and stderr) go to `sink` through `relay`. Throws
    /// dc::launch_error naming the program and the cause when it cannot be started.
    child_process(const worker_command& cmd, output_relay& relay, line_sink sink,
                  const child_options& options = {});
    /// Starts `cmd` writing to this process's standard output and error.
    child_process(const worker_command& cmd, const child_options& options);
    /// Kills it (SIGKILL) if it still runs, and reaps it.
    ~child_process();
    child_process(const child_process&) = delete;
    child_process& operator=(const child_process&) = delete;

    int pid() const;
    bool running();
    /// Exit code, or 128+signal, once the process has ended.
    std::optional<int> exit_status();
    /// The signal that ended it (0 while it runs, or when it exited by itself).
    int end_signal();
    /// Waits up to `limit` for the process to end; true if it has.
    bool wait_for(std::chrono::milliseconds limit);
    /// Waits until it ends; its exit_status().
    int wait();
    void signal(int sig);
    /// SIGKILL (idempotent).
    void kill();
    /// Closes its standard input (with keep_stdin_open).
    void close_stdin();
    /// Waits up to `limit` until all output written before exit has been delivered.
    void drain_output(std::chrono::milliseconds limit);

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

} // namespace dc::launcher
