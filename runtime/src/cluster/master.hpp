#pragma once
// The master's side of membership: starting workers through a cluster manager, greeting them,
// telling everyone who is there, and removing them.

#include "protocol/messages.hpp"
#include "transport/connection.hpp"

#include <dc/launcher/worker_command.hpp>
#include <dc/managers/cluster_manager.hpp>
#include <dc/managers/local_manager.hpp>
#include <dc/options.hpp>

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace dc::detail {

class master {
public:
    static master& instance();

    /// Address (or interface or CIDR block) to listen on for workers; "" = loopback.
    void set_bind_to(std::string spec) { bind_to_ = std::move(spec); }
    /// Starts n workers with `manager` and waits until all have connected. Throws
    /// dc::launch_error (and starts none) when one fails.
    std::vector<int> addprocs(managers::cluster_manager& manager, int n, const options& o);
    std::vector<int> addprocs_local(int n, const options& o) { return addprocs(local_, n, o); }
    /// Tells the workers to exit, waits up to `waitfor` for them all, then kills the rest.
    /// Throws dc::error on a worker (only the master removes workers). Many workers are told
    /// through a fan-out tree (collectives/tree_call.hpp), the few it did not reach directly.
    /// The other workers learn of it when their link to a removed worker closes, or from the
    /// master when they next link to it (telling each at once would be N frames a removal).
    void rmprocs(const std::vector<int>& ids,
                 std::chrono::milliseconds waitfor = std::chrono::seconds(5));
    /// Removes every worker (finalize).
    void remove_all();

private:
    struct worker {
        std::unique_ptr<managers::launched_worker> process;
        bool connected = false;
        std::string refused; ///< why the handshake refused it
        peer_info info;
    };

    void start(const std::string& bind_hint);
    /// Sends the exit order to `ids` (see rmprocs) and forgets them.
    void tell_to_exit(const std::vector<int>& ids, std::chrono::milliseconds waitfor);
    launcher::worker_command make_command(const options& o) const;
    void on_hello(const std::shared_ptr<connection>& c, bytes&& body);
    void on_lost(int pid, const std::string& why);
    void broadcast(const bytes& frame, int except);
    /// Ids for n new workers (listening first, on the manager's side of the network).
    std::vector<int> reserve_ids(managers::cluster_manager& manager, int n, dc::topology t);
    // cluster/worker_start.cpp
    /// Waits until `need` of `ids` have connected (or one failed, or the timeout passed).
    bool wait_until_connected(const std::string& manager, const std::vector<int>& ids,
                              double timeout, std::size_t need);
    /// The workers of a launch that were still starting when addprocs returned: each joins
    /// when it connects; one that fails or times out is left out, with a warning. Runs on a
    /// thread of its own until they are settled or the master stops.
    void follow_late_workers(const std::string& manager, std::vector<int> ids, double timeout);
    void stop_following_late_workers();
    /// Why workers of `ids` did not start ("" when all connected), grouped by cause, with the
    /// last output of the first of each group.
    std::string start_failure(const std::string& manager, const std::vector<int>& ids,
                              double timeout, bool timed_out);
    /// A worker that did not start: its host, what it was, `cause`, its last output.
    std::string describe_failed_start(int id, const std::string& cause);
    void discard(const std::vector<int>& ids);

    std::mutex mutex_;
    std::map<int, worker> workers_;
    std::vector<std::thread> late_followers_;
    std::mutex late_mutex_;
    std::condition_variable late_cv_;
    bool stop_late_ = false;
    int next_id_ = 2;
    bool started_ = false;
    std::string bind_to_;
    std::string bind_address_;
    dc::topology topology_ = dc::topology::all_to_all;
    managers::local_manager local_;
};

} // namespace dc::detail
