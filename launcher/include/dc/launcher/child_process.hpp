#pragma once
// One started process with its combined stdout+stderr delivered line by line.

#include <dc/launcher/worker_command.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace dc::launcher {

class output_relay;

class child_process {
public:
    using line_sink = std::function<void(const std::string& line)>;

    /// Starts `cmd`; its output lines go to `sink` through `relay`. Throws dc::launch_error
    /// naming the program and the cause when it cannot be started.
    child_process(const worker_command& cmd, output_relay& relay, line_sink sink);
    ~child_process();
    child_process(const child_process&) = delete;
    child_process& operator=(const child_process&) = delete;

    int pid() const;
    bool running();
    /// Exit code, or 128+signal, once the process has ended.
    std::optional<int> exit_status();
    /// Waits up to `limit` for the process to end; true if it has.
    bool wait_for(std::chrono::milliseconds limit);
    /// SIGKILL (idempotent).
    void kill();
    /// Waits up to `limit` until all output written before exit has been delivered.
    void drain_output(std::chrono::milliseconds limit);

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

} // namespace dc::launcher
