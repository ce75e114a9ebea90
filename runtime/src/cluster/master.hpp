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
#include <unordered_set>
#include <vector>

namespace dc::detail {

class launch_progress;

class master {
public:
    static master& instance();

    /// Address (or interface or CIDR block) to listen on for workers; "" = loopback.
    void set_bind_to(std::string spec) { bind_to_ = std::move(spec); }
    /// No progress line while workers start (dcrun --quiet); it shows only on a terminal.
    void set_quiet(bool quiet) { quiet_ = quiet; }
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
    /// dc::adapt: keeps the worker count between min and max (cluster/elastic.cpp).
    void adapt(int min, int max);
    /// Records a timeline of the run, written to `path` when the workers are removed at the end
    /// (remove_all). Workers are asked to record when they join.
    void start_trace(const std::string& path);
    /// A manager's launch step: logged at debug level, and on the timeline when there is one.
    static void note_step(const std::string& step);
    /// Keeps the manager dcrun named alive for the run: replacements and dc::adapt use it.
    void keep_manager(std::unique_ptr<managers::cluster_manager> manager);

private:
    struct worker {
        std::unique_ptr<managers::launched_worker> process;
        bool connected = false;
        std::string refused; ///< why the handshake refused it
        peer_info info;
        std::int64_t job_end = 0; ///< when its batch job ends (epoch seconds), 0: never
    };

    void start(const std::string& bind_hint);
    /// Sends the exit order to `ids` (see rmprocs) and forgets them.
    void tell_to_exit(const std::vector<int>& ids, std::chrono::milliseconds waitfor);
    launcher::worker_command make_command(const options& o) const;
    /// Starts the reserved workers `ids` with `manager` (forgets them if it throws).
    void launch(managers::cluster_manager& manager, const std::vector<int>& ids, const options& o);
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
    /// Runs follow_late_workers on a thread of its own (none once the master stops).
    void follow_late(const std::string& manager, std::vector<int> ids, double timeout);

    // cluster/elastic.cpp: workers leaving before their walltime, replacements, dc::adapt.
    // One thread, started when first needed, looks every half second.
    /// The manager and options later workers are started with (the latest addprocs').
    void remember_source(managers::cluster_manager& manager, const options& o);
    void forget_source();
    /// A worker whose job ends at `job_end` drains options::drain_before seconds earlier.
    void watch_walltime(int id, std::int64_t job_end);
    void forget_walltime(int id);
    void start_elastic_thread();
    void stop_elastic();
    void run_elastic();
    /// Marks workers whose drain time has come as leaving; removes the drained ones (no call
    /// of this process waits on them any more) and starts their replacements.
    void drain_expiring(std::int64_t now, const std::unordered_set<int>& awaited);
    /// dc::adapt's round: start workers below the minimum or while pool work waits; release
    /// workers idle for options::idle_timeout above the minimum.
    void adapt_size(const std::unordered_set<int>& awaited);
    /// The workers of `up` that no call has waited on for `seconds` (tracked across rounds).
    std::vector<int> idle_for(const std::vector<int>& up, const std::unordered_set<int>& awaited,
                              double seconds);
    /// Starts n more workers with the remembered manager; `why` is logged. Never throws.
    void launch_more(int n, const std::string& why);
    /// Removes a leaving worker, logging `why`.
    void release(int id, const std::string& why);
    /// The progress line's counts for the workers `ids` (mutex_ held).
    void show_progress(launch_progress& progress, const std::vector<int>& ids);
    /// Why workers of `ids` did not start ("" when all connected), grouped by cause, with the
    /// last output of the first of each group.
    std::string start_failure(const std::string& manager, const std::vector<int>& ids,
                              double timeout, bool timed_out);
    /// A worker that did not start: its host, what it was, `cause`, its last output.
    std::string describe_failed_start(int id, const std::string& cause);
    void discard(const std::vector<int>& ids);
    /// Gathers the last events of the workers `removed` (up to 2 s) and writes the timeline.
    void finish_trace(const std::vector<int>& removed);

    std::mutex mutex_;
    std::map<int, worker> workers_;
    std::vector<std::thread> late_followers_; // guarded by late_mutex_
    std::mutex late_mutex_;
    std::condition_variable late_cv_;
    std::string bind_to_;
    std::string trace_path_; ///< "" = no timeline
    std::string bind_address_;
    int next_id_ = 2;
    dc::topology topology_ = dc::topology::all_to_all;
    bool stop_late_ = false; // guarded by late_mutex_
    bool started_ = false;
    bool quiet_ = false;
    managers::local_manager local_;

    std::mutex elastic_mutex_; // guards what follows
    std::condition_variable elastic_cv_;
    std::thread elastic_;
    managers::cluster_manager* source_ = nullptr;
    std::unique_ptr<managers::cluster_manager> kept_manager_;
    options source_options_;
    std::multimap<std::int64_t, int> drain_at_; ///< epoch second to start draining -> worker
    std::map<int, std::int64_t> draining_;      ///< leaving worker -> its job's end
    int adapt_min_ = 0;
    int adapt_max_ = 0; ///< 0: not adapting
    bool stop_elastic_ = false;
    bool warned_short_job_ = false; ///< a job too short to drain was reported
    std::map<int, std::chrono::steady_clock::time_point> idle_since_;
};

} // namespace dc::detail
