#include "cluster/master.hpp"

#include "cluster/runtime.hpp"
#include "collectives/tree_call.hpp"
#include "protocol/heads.hpp"
#include "trace/trace_log.hpp"
#include "transport/bind_address.hpp"
#include "util/log.hpp"

#include <dc/errors.hpp>
#include <dc/launcher/address.hpp>
#include <dc/launcher/bootstrap.hpp>
#include <dc/launcher/descriptors.hpp>

#include <cstdio>
#include <filesystem>
#include <stdexcept>

namespace dc::detail {
namespace {

void print_worker_line(int id, const std::string& line) {
    static std::mutex mutex;
    std::string text = "      From worker " + std::to_string(id) + ":\t" + line + "\n";
    std::lock_guard lock(mutex);
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
}

std::string topology_name(dc::topology t) {
    return t == dc::topology::master_worker ? "master_worker" : "all_to_all";
}

} // namespace

master& master::instance() {
    static master m;
    return m;
}

void master::start(const std::string& bind_hint) {
    if (started_) return;
    auto& rt = runtime::instance();
    bind_address_ = resolve_bind_address(bind_to_.empty() ? bind_hint : bind_to_);
    rt.start_listening(bind_address_);
    rt.on_hello = [this](const std::shared_ptr<connection>& c, bytes&& body) {
        on_hello(c, std::move(body));
    };
    rt.on_process_lost = [this](int pid, const std::string& why) { on_lost(pid, why); };
    rt.io().start_background();
    started_ = true;
}

launcher::worker_command master::make_command(const options& o) const {
    namespace env = launcher::env;
    auto& rt = runtime::instance();
    launcher::worker_command cmd;
    cmd.exe =
        o.exename.empty() ? std::filesystem::read_symlink("/proc/self/exe").string() : o.exename;
    if (cmd.exe.find('/') != std::string::npos) {
        cmd.exe = std::filesystem::absolute(cmd.exe).string();
    }
    cmd.args = o.exeflags;
    cmd.dir = o.dir.empty() ? std::filesystem::current_path().string() : o.dir;
    cmd.env = o.env;
    // DC_TRANSPORT=tcp makes same-host workers use TCP instead of Unix sockets (benchmarks).
    const bool tcp_only = env::get(env::transport).value_or("") == "tcp";
    std::vector<launcher::address> addresses;
    for (const auto& a : rt.addresses()) {
        auto parsed = launcher::address::parse(a);
        if (!(tcp_only && parsed.same_host_only())) addresses.push_back(std::move(parsed));
    }
    cmd.env[env::role] = "worker";
    cmd.env[env::master] = launcher::join_addresses(addresses);
    cmd.env[env::cookie] = rt.cookie();
    cmd.env[env::topology] = topology_name(o.topology);
    cmd.env[env::bind_to] = bind_address_;
    cmd.env[env::heartbeat] = std::to_string(o.heartbeat);
    for (const char* inherited : {env::log_level, env::spin_us, env::transport}) {
        if (auto v = env::get(inherited)) cmd.env[inherited] = *v;
    }
    return cmd;
}

std::vector<int> master::addprocs(managers::cluster_manager& manager, int n, const options& o) {
    if (n < 0) throw std::invalid_argument("addprocs: the number of workers must be >= 0");
    auto& rt = runtime::instance();
    if (rt.id() != 1) {
        throw dc::error("addprocs called on process " + std::to_string(rt.id()) +
                        ": only the master (process 1) adds and removes workers");
    }
    {
        std::size_t existing = 0;
        {
            std::lock_guard lock(mutex_);
            existing = workers_.size();
        }
        launcher::check_descriptors_for(static_cast<int>(existing) + n); // before anything starts
    }
    if (o.heartbeat < 0) throw std::invalid_argument("addprocs: heartbeat must be >= 0 seconds");
    if (o.min_workers < 0) throw std::invalid_argument("addprocs: min_workers must be >= 0");
    if (o.drain_before < 0 || o.idle_timeout < 0) {
        throw std::invalid_argument("addprocs: drain_before and idle_timeout must be >= 0 seconds");
    }
    if (!o.trace.empty()) start_trace(o.trace);
    manager.set_step_log(note_step);
    auto ids = reserve_ids(manager, n, o.topology);
    remember_source(manager, o);
    if (n == 0) return ids;
    rt.start_heartbeat(o.heartbeat);
    launch(manager, ids, o);
    const auto need =
        o.min_workers > 0 ? std::min<std::size_t>(ids.size(), o.min_workers) : ids.size();
    const bool timed_out = wait_until_connected(manager.name(), ids, o.timeout, need);
    std::string failure = start_failure(manager.name(), ids, o.timeout, timed_out);
    if (!failure.empty()) {
        discard(ids);
        throw launch_error(failure);
    }
    std::vector<int> up, starting;
    {
        std::lock_guard lock(mutex_);
        for (int id : ids) {
            auto it = workers_.find(id);
            (it != workers_.end() && it->second.connected ? up : starting).push_back(id);
        }
    }
    DC_LOG(debug, up.size() << " of workers " << ids.front() << ".." << ids.back() << " connected; "
                            << starting.size() << " still starting");
    if (!starting.empty()) follow_late(manager.name(), starting, o.timeout);
    return up;
}

void master::note_step(const std::string& step) {
    DC_LOG(debug, step);
    if (trace::enabled()) trace::step(step);
}

void master::launch(managers::cluster_manager& manager, const std::vector<int>& ids,
                    const options& o) {
    DC_LOG(debug,
           manager.name() << " manager: starting workers " << ids.front() << ".." << ids.back());
    if (trace::enabled()) {
        trace::step(manager.name() + " manager: starting workers " + std::to_string(ids.front()) +
                    ".." + std::to_string(ids.back()));
    }
    try {
        manager.set_step_log(note_step);
        auto launched = manager.launch(
            {ids.front(), static_cast<int>(ids.size()), make_command(o), print_worker_line});
        std::lock_guard lock(mutex_);
        for (auto& p : launched)
            workers_[p->id()].process = std::move(p);
    } catch (...) {
        std::lock_guard lock(mutex_);
        for (int id : ids)
            workers_.erase(id);
        throw;
    }
}

std::vector<int> master::reserve_ids(managers::cluster_manager& manager, int n, dc::topology t) {
    bool started = false;
    {
        std::lock_guard lock(mutex_);
        started = started_;
    }
    // Outside the lock: the manager may look up its hosts.
    const std::string bind_hint = started ? "" : manager.master_bind_hint();
    std::lock_guard lock(mutex_);
    start(bind_hint);
    topology_ = t;
    runtime::instance().set_links(t);
    std::vector<int> ids;
    for (int i = 0; i < n; ++i) {
        workers_[next_id_ + i];
        ids.push_back(next_id_ + i);
    }
    next_id_ += n;
    return ids;
}

void master::broadcast(const bytes& frame, int except) {
    auto& rt = runtime::instance();
    for (int id : rt.ids()) {
        if (id == rt.id() || id == except) continue;
        try {
            rt.send(id, frame);
        } catch (const dc::error&) { // it is going away; its own loss is handled elsewhere
        }
    }
}

void master::on_lost(int pid, const std::string& why) {
    std::unique_ptr<managers::launched_worker> process;
    {
        std::lock_guard lock(mutex_);
        auto it = workers_.find(pid);
        if (it == workers_.end()) return;
        process = std::move(it->second.process);
        workers_.erase(it);
    }
    DC_LOG(warn, "worker " << pid << " (" << process->describe() << ") terminated: " << why);
    forget_walltime(pid);
    if (trace::enabled()) trace::step("worker " + std::to_string(pid) + " terminated: " + why, pid);
    broadcast(encode_head(peer_removed_head{kind::peer_removed, pid}), pid);
}

void master::tell_to_exit(const std::vector<int>& ids, std::chrono::milliseconds waitfor) {
    auto& rt = runtime::instance();
    std::vector<int> direct = ids;
    if (rt.peers_may_link() && ids.size() > 2 * static_cast<std::size_t>(tree_degree())) {
        tree_request request;
        request.ids = ids;
        request.exit_after = true; // each answers once its subtree has, then exits
        request.deadline = std::chrono::steady_clock::now() +
                           std::min<std::chrono::milliseconds>(waitfor, std::chrono::seconds(2));
        direct = run_tree(request).pids();
    }
    for (int id : direct) {
        try {
            rt.send(id, bytes{static_cast<char>(kind::exit)});
        } catch (const dc::error&) {
        }
    }
    for (int id : ids)
        rt.remove_process(id, "removed by rmprocs", false);
}

void master::rmprocs(const std::vector<int>& ids, std::chrono::milliseconds waitfor) {
    auto& rt = runtime::instance();
    if (rt.id() != 1) {
        throw dc::error("rmprocs called on process " + std::to_string(rt.id()) +
                        ": only the master (process 1) adds and removes workers");
    }
    for (int id : ids) {
        if (id == 1) throw std::invalid_argument("rmprocs: the master (id 1) cannot be removed");
    }
    std::vector<std::unique_ptr<managers::launched_worker>> stopping;
    std::vector<int> going;
    {
        std::lock_guard lock(mutex_);
        for (int id : ids) {
            auto it = workers_.find(id);
            if (it == workers_.end()) continue;
            stopping.push_back(std::move(it->second.process));
            going.push_back(id);
            workers_.erase(it);
        }
    }
    tell_to_exit(going, waitfor);
    const auto deadline = std::chrono::steady_clock::now() + waitfor;
    for (auto& p : stopping) {
        const auto left = std::max(std::chrono::milliseconds(0),
                                   std::chrono::duration_cast<std::chrono::milliseconds>(
                                       deadline - std::chrono::steady_clock::now()));
        if (!p->wait_for(left)) {
            DC_LOG(warn, "worker " << p->id() << " did not exit within " << waitfor.count()
                                   << " ms; killing it");
            p->kill();
            p->wait_for(std::chrono::seconds(5));
        }
        p->drain_output(std::chrono::seconds(2));
    }
}

void master::remove_all() {
    stop_elastic();
    stop_following_late_workers();
    std::vector<int> ids;
    {
        std::lock_guard lock(mutex_);
        for (const auto& [id, w] : workers_)
            ids.push_back(id);
    }
    rmprocs(ids, std::chrono::seconds(5));
    forget_source();
    finish_trace(ids);
    runtime::instance().io().stop_background();
}

} // namespace dc::detail
