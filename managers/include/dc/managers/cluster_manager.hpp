#pragma once
// One interface for every way of starting workers (local, ssh, slurm, pbs): launch, manage, kill.
// A manager only starts processes; the runtime does the handshake, ids and supervision of links.

#include <dc/launcher/worker_command.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace dc::managers {

struct launch_request {
    int first_id = 2; ///< ids first_id .. first_id+count-1
    int count = 0;
    launcher::worker_command command; ///< common to all workers
    std::function<void(int id, const std::string& line)> on_output;
};

/// A worker process as its manager sees it.
class launched_worker {
public:
    virtual ~launched_worker() = default;
    virtual int id() const = 0;
    virtual std::string host() const = 0;
    /// e.g. "pid 1234" or "job 77 step 0 task 3".
    virtual std::string describe() const = 0;
    virtual bool running() = 0;
    virtual std::optional<int> exit_status() = 0;
    virtual bool wait_for(std::chrono::milliseconds limit) = 0;
    virtual void kill() = 0;
    /// Waits (bounded) until all of the worker's output has been delivered.
    virtual void drain_output(std::chrono::milliseconds limit) = 0;
    /// The last lines the worker printed (for error messages).
    virtual std::vector<std::string> last_output() const = 0;
    /// True while a batch scheduler has not started the worker yet: the start-up timeout
    /// counts from when it runs, not from when it was queued.
    virtual bool waiting_in_queue() { return false; }
};

class cluster_manager {
public:
    virtual ~cluster_manager() = default;
    /// Short name used in messages: "local", "ssh", "slurm", "pbs".
    virtual std::string name() const = 0;
    /// How many workers this manager starts when the caller does not say (the hosts' counts,
    /// the allocation's tasks); -1 when the caller must say.
    virtual int planned_workers() { return -1; }
    /// An address the master should listen on so that these workers can reach it; "" = any
    /// (loopback unless the user chose otherwise).
    virtual std::string master_bind_hint() { return {}; }
    /// Starts request.count workers. Throws dc::launch_error when they cannot be started.
    virtual std::vector<std::unique_ptr<launched_worker>> launch(const launch_request& request) = 0;

    /// Where each launch step is reported (--log-level debug); set before planned_workers.
    void set_step_log(std::function<void(const std::string& step)> log) {
        step_log_ = std::move(log);
    }

protected:
    void log_step(const std::string& step) const {
        if (step_log_) step_log_(step);
    }
    /// A copy, for what outlives the manager (a running job step).
    std::function<void(const std::string& step)> step_log() const { return step_log_; }

private:
    std::function<void(const std::string& step)> step_log_;
};

} // namespace dc::managers
