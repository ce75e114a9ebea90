// Workers that come and go while the program runs. A batch worker leaves before its job's
// walltime: it drains (pools hand it out no more, the calls it has finish), is removed once no
// call of the master waits on it, and with options::replace_workers a new job takes its place.
// dc::adapt starts workers while pool work waits and releases workers that stay idle. One
// thread decides, every half second; each decision is logged at info level with its reason.

#include "cluster/master.hpp"
#include "cluster/runtime.hpp"
#include "util/log.hpp"

#include <dc/detail/patterns.hpp>
#include <dc/errors.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace dc::detail {
namespace {

using steady = std::chrono::steady_clock;

std::int64_t unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string workers_text(std::size_t n) {
    return std::to_string(n) + (n == 1 ? " worker" : " workers");
}

/// A leaving worker that is not waiting for its job's end (adapt released it).
constexpr std::int64_t no_job_end = std::numeric_limits<std::int64_t>::max();

} // namespace

void master::remember_source(managers::cluster_manager& manager, const options& o) {
    std::lock_guard lock(elastic_mutex_);
    source_ = &manager;
    source_options_ = o;
}

void master::forget_source() {
    std::unique_ptr<managers::cluster_manager> kept;
    {
        std::lock_guard lock(elastic_mutex_);
        source_ = nullptr;
        kept.swap(kept_manager_);
    }
}

void master::keep_manager(std::unique_ptr<managers::cluster_manager> manager) {
    std::lock_guard lock(elastic_mutex_);
    kept_manager_ = std::move(manager);
}

void master::adapt(int min, int max) {
    if (runtime::instance().id() != 1) {
        throw dc::error("adapt called on process " + std::to_string(runtime::instance().id()) +
                        ": only the master (process 1) adds and removes workers");
    }
    if (min < 0 || max < min) {
        throw std::invalid_argument("adapt: expected 0 <= min <= max, got min " +
                                    std::to_string(min) + " and max " + std::to_string(max));
    }
    {
        std::lock_guard lock(elastic_mutex_);
        if (!source_) source_ = &local_; // no addprocs yet: local workers
        adapt_min_ = min;
        adapt_max_ = max;
        idle_since_.clear();
    }
    if (max == 0) {
        DC_LOG(info, "adapt: stopped");
        return;
    }
    DC_LOG(info, "adapt: keeping between " << min << " and " << workers_text(max));
    start_elastic_thread();
}

void master::watch_walltime(int id, std::int64_t job_end) {
    const auto now = unix_now();
    std::unique_lock lock(elastic_mutex_);
    const double before = source_options_.drain_before;
    if (before <= 0) return;
    const std::int64_t drain_at = job_end - static_cast<std::int64_t>(std::ceil(before));
    if (drain_at <= now) {
        const bool first = !warned_short_job_;
        warned_short_job_ = true;
        lock.unlock();
        if (!first) { // one warning a run, not one a worker of a large array
            DC_LOG(debug, "worker " << id << ": its job ends in " << job_end - now << " s");
            return;
        }
        DC_LOG(warn, "worker " << id << ": its job ends in " << job_end - now
                               << " s, sooner than the drain time (" << before
                               << " s): it is used until its job ends (give the worker jobs "
                                  "more time than --drain-before; other such workers are not "
                                  "reported)");
        return;
    }
    drain_at_.emplace(drain_at, id);
    lock.unlock();
    DC_LOG(debug, "worker " << id << " drains in " << drain_at - now << " s");
    start_elastic_thread();
}

void master::forget_walltime(int id) {
    std::lock_guard lock(elastic_mutex_);
    draining_.erase(id);
    idle_since_.erase(id);
}

void master::start_elastic_thread() {
    std::lock_guard lock(elastic_mutex_);
    if (elastic_.joinable() || stop_elastic_) return;
    elastic_ = std::thread([this] { run_elastic(); });
}

void master::stop_elastic() {
    std::thread t;
    {
        std::lock_guard lock(elastic_mutex_);
        stop_elastic_ = true;
        t.swap(elastic_);
    }
    elastic_cv_.notify_all();
    if (t.joinable()) t.join();
    std::lock_guard lock(elastic_mutex_);
    stop_elastic_ = false;
    drain_at_.clear();
    draining_.clear();
    idle_since_.clear();
    adapt_min_ = adapt_max_ = 0;
}

void master::run_elastic() {
    std::unique_lock lock(elastic_mutex_);
    while (!elastic_cv_.wait_for(lock, std::chrono::milliseconds(500),
                                 [this] { return stop_elastic_; })) {
        lock.unlock();
        try {
            const auto awaited = runtime::instance().awaited_processes();
            drain_expiring(unix_now(), awaited);
            adapt_size(awaited);
        } catch (const std::exception& e) {
            DC_LOG(warn, "workers' walltime and adapt: " << e.what());
        }
        lock.lock();
    }
}

// A worker marked leaving is removed a round later at the earliest: a pool take just before
// the mark has sent its call by then, so `awaited` (taken at the start of the round) shows it.
void master::drain_expiring(std::int64_t now, const std::unordered_set<int>& awaited) {
    std::vector<std::pair<int, std::int64_t>> drained;
    std::vector<int> due;
    bool replace = false;
    {
        std::lock_guard lock(elastic_mutex_);
        replace = source_options_.replace_workers;
        for (const auto& [id, end] : draining_) {
            if (!awaited.count(id) || now >= end - 2) drained.emplace_back(id, end);
        }
        for (const auto& d : drained)
            draining_.erase(d.first);
        while (!drain_at_.empty() && drain_at_.begin()->first <= now) {
            due.push_back(drain_at_.begin()->second);
            drain_at_.erase(drain_at_.begin());
        }
    }
    for (const auto& [id, end] : drained) {
        if (end == no_job_end) {
            release(id, "idle (adapt)");
            continue;
        }
        const std::string left = std::to_string(end - now) + " s";
        release(id, "its job ends in " + left +
                        (awaited.count(id) ? " (calls still running on it fail)" : ""));
        if (replace) launch_more(1, "replacing worker " + std::to_string(id));
    }
    auto& rt = runtime::instance();
    for (int id : due) {
        std::int64_t end = 0;
        {
            std::lock_guard lock(mutex_);
            auto it = workers_.find(id);
            if (it == workers_.end() || !it->second.connected) continue;
            end = it->second.job_end;
        }
        rt.mark_leaving(id);
        DC_LOG(info, rt.describe_process(id)
                         << " drains: its job ends in " << end - now
                         << " s; it takes no new pool work and leaves once its calls are done");
        std::lock_guard lock(elastic_mutex_);
        draining_[id] = end;
    }
}

void master::adapt_size(const std::unordered_set<int>& awaited) {
    int min = 0, max = 0;
    double idle_limit = 0;
    {
        std::lock_guard lock(elastic_mutex_);
        if (adapt_max_ == 0) return;
        min = adapt_min_;
        max = adapt_max_;
        idle_limit = source_options_.idle_timeout;
    }
    auto& rt = runtime::instance();
    std::vector<int> up = rt.ids(); // leaving workers are not listed
    std::erase(up, 1);
    std::size_t starting = 0;
    {
        std::lock_guard lock(mutex_);
        for (const auto& [id, w] : workers_)
            starting += w.connected ? 0 : 1;
    }
    const std::size_t total = up.size() + starting;
    const std::size_t waiting = waiting_work(std::chrono::seconds(2));
    const auto counts = " (" + std::to_string(up.size()) + " up, " + std::to_string(starting) +
                        " starting, adapt " + std::to_string(min) + ":" + std::to_string(max) + ")";
    if (total < static_cast<std::size_t>(min)) {
        launch_more(static_cast<int>(min - total),
                    "adapt: fewer workers than the minimum" + counts);
        return;
    }
    if (waiting > 0) {
        const std::size_t want = std::min<std::size_t>(max, up.size() + waiting);
        if (want > total) {
            launch_more(static_cast<int>(want - total), "adapt: " + std::to_string(waiting) +
                                                            " pool batches wait for a worker" +
                                                            counts);
        }
        std::lock_guard lock(elastic_mutex_);
        idle_since_.clear();
        return;
    }
    auto idle = idle_for(up, awaited, idle_limit);
    const std::size_t spare = up.size() > static_cast<std::size_t>(min) ? up.size() - min : 0;
    idle.resize(std::min(idle.size(), spare));
    for (int id : idle) {
        rt.mark_leaving(id);
        DC_LOG(info, "adapt: " << rt.describe_process(id) << " is released: idle for " << idle_limit
                               << " s" << counts);
        std::lock_guard lock(elastic_mutex_);
        draining_[id] = no_job_end;
        idle_since_.erase(id);
    }
}

// Oldest first (ids ascend): in a batch system, the jobs with the least time left.
std::vector<int> master::idle_for(const std::vector<int>& up,
                                  const std::unordered_set<int>& awaited, double seconds) {
    const auto now = steady::now();
    const auto limit =
        std::chrono::duration_cast<steady::duration>(std::chrono::duration<double>(seconds));
    std::vector<int> idle;
    std::lock_guard lock(elastic_mutex_);
    std::map<int, steady::time_point> since;
    for (int id : up) {
        if (awaited.count(id)) continue;
        auto it = idle_since_.find(id);
        const auto t = it == idle_since_.end() ? now : it->second;
        since.emplace(id, t);
        if (now - t >= limit) idle.push_back(id);
    }
    idle_since_.swap(since);
    return idle;
}

void master::launch_more(int n, const std::string& why) {
    managers::cluster_manager* manager = nullptr;
    options o;
    {
        std::lock_guard lock(elastic_mutex_);
        if (stop_elastic_) return;
        manager = source_;
        o = source_options_;
    }
    if (!manager) {
        DC_LOG(warn, why << ": no cluster manager to start workers with");
        return;
    }
    DC_LOG(info, why << ": starting " << workers_text(static_cast<std::size_t>(n)) << " with the "
                     << manager->name() << " manager");
    try {
        const auto ids = reserve_ids(*manager, n, o.topology);
        launch(*manager, ids, o);
        follow_late(manager->name(), ids, o.timeout);
    } catch (const std::exception& e) {
        DC_LOG(warn, why << ": could not start workers: " << e.what());
    }
}

void master::release(int id, const std::string& why) {
    DC_LOG(info, runtime::instance().describe_process(id) << " leaves: " << why);
    try {
        rmprocs({id}, std::chrono::seconds(10));
    } catch (const std::exception& e) {
        DC_LOG(warn, "worker " << id << " could not be removed: " << e.what());
    }
    forget_walltime(id);
}

} // namespace dc::detail
