#include "cluster/master.hpp"

#include "engine/interrupts.hpp"

#include "cluster/runtime.hpp"
#include "peers/handshake.hpp"
#include "protocol/heads.hpp"
#include "transport/bind_address.hpp"
#include "transport/endpoint.hpp"
#include "util/build_id.hpp"
#include "util/log.hpp"

#include <dc/errors.hpp>
#include <dc/launcher/bootstrap.hpp>

#include <cstdio>
#include <filesystem>
#include <sstream>
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

bytes membership_frame(kind k) {
    return bytes{static_cast<char>(k)};
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
    std::string addresses;
    for (const auto& a : rt.addresses()) {
        if (tcp_only && is_local_address(a)) continue;
        addresses += (addresses.empty() ? "" : ";") + a;
    }
    cmd.env[env::role] = "worker";
    cmd.env[env::master] = addresses;
    cmd.env[env::cookie] = rt.cookie();
    cmd.env[env::topology] = topology_name(o.topology);
    cmd.env[env::bind_to] = bind_address_;
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
    std::vector<int> ids;
    std::vector<std::unique_ptr<managers::launched_worker>> launched;
    bool started = false;
    {
        std::lock_guard lock(mutex_);
        started = started_;
    }
    // Outside the lock: the manager may look up its hosts.
    const std::string bind_hint = started ? "" : manager.master_bind_hint();
    {
        std::lock_guard lock(mutex_);
        start(bind_hint);
        topology_ = o.topology;
        rt.set_links(o.topology);
        for (int i = 0; i < n; ++i)
            workers_[next_id_ + i];
        for (int i = 0; i < n; ++i)
            ids.push_back(next_id_ + i);
        next_id_ += n;
    }
    if (n == 0) return ids;
    DC_LOG(debug,
           manager.name() << " manager: starting workers " << ids.front() << ".." << ids.back());
    try {
        manager.set_step_log([](const std::string& step) { DC_LOG(debug, step); });
        launched = manager.launch({ids.front(), n, make_command(o), print_worker_line});
    } catch (...) {
        std::lock_guard lock(mutex_);
        for (int id : ids)
            workers_.erase(id);
        throw;
    }
    {
        std::lock_guard lock(mutex_);
        for (auto& p : launched)
            workers_[p->id()].process = std::move(p);
    }
    // The start-up timeout counts from when the scheduler runs the workers, not queue time.
    const auto limit = std::chrono::duration_cast<engine::clock::duration>(
        std::chrono::duration<double>(o.timeout));
    auto deadline = engine::clock::now() + limit;
    bool queued_before = false;
    auto settled = [&] {
        std::lock_guard lock(mutex_);
        bool queued = false;
        for (int id : ids) {
            auto it = workers_.find(id);
            if (it != workers_.end() && it->second.process->waiting_in_queue()) queued = true;
        }
        if (queued || queued_before) deadline = engine::clock::now() + limit;
        if (queued != queued_before) {
            DC_LOG(debug, manager.name() << " manager: workers " << ids.front() << ".."
                                         << ids.back() << (queued ? " queued" : " running"));
        }
        queued_before = queued;
        for (int id : ids) {
            auto it = workers_.find(id);
            if (it == workers_.end() || !it->second.refused.empty()) return true;
            if (!it->second.connected && !it->second.process->running()) return true;
            if (!it->second.connected) return false;
        }
        return true;
    };
    {
        uninterruptible shield; // a second Ctrl-C ends the run; one alone lets the start finish
        while (!settled() && engine::clock::now() < deadline) {
            rt.io().wait_until(settled, deadline, std::chrono::milliseconds(20));
        }
    }
    std::string failure = batch_failure(manager.name(), ids, o.timeout);
    if (!failure.empty()) {
        discard(ids);
        throw launch_error(failure);
    }
    DC_LOG(debug, "workers " << ids.front() << ".." << ids.back() << " connected");
    return ids;
}

std::string master::batch_failure(const std::string& manager, const std::vector<int>& ids,
                                  double timeout) {
    std::lock_guard lock(mutex_);
    for (int id : ids) {
        auto it = workers_.find(id);
        if (it == workers_.end()) {
            return manager + " manager: worker " + std::to_string(id) + " exited during start-up";
        }
        auto& w = it->second;
        if (w.connected) continue;
        std::ostringstream text;
        text << manager << " manager: worker " << id << " on " << w.process->host() << " ("
             << w.process->describe() << ") ";
        if (!w.refused.empty()) {
            text << "was refused: " << w.refused;
        } else if (auto status = w.process->exit_status()) {
            text << "exited with code " << *status << " before connecting";
        } else {
            text << "did not connect within " << timeout << " s";
        }
        w.process->drain_output(std::chrono::milliseconds(500));
        auto lines = w.process->last_output();
        if (lines.empty()) {
            text << "; it printed nothing";
        } else {
            text << "; last output:";
            for (const auto& l : lines)
                text << "\n    " << l;
        }
        return text.str();
    }
    return {};
}

void master::discard(const std::vector<int>& ids) {
    std::vector<int> connected;
    {
        std::lock_guard lock(mutex_);
        for (int id : ids) {
            auto it = workers_.find(id);
            if (it == workers_.end()) continue;
            if (it->second.connected) {
                connected.push_back(id);
            } else {
                it->second.process->kill();
                workers_.erase(it);
            }
        }
    }
    rmprocs(connected);
}

void master::on_hello(const std::shared_ptr<connection>& c, bytes&& body) {
    auto& rt = runtime::instance();
    hello_msg hello;
    try {
        hello = decode_as<hello_msg>(std::span<const char>(body).subspan(1));
    } catch (const std::exception&) {
        return rt.reject(c, "malformed greeting");
    }
    if (hello.magic != protocol_magic) return rt.reject(c, "not a dc worker");
    if (!cookie_matches(rt.cookie(), hello.cookie)) return rt.reject(c, "wrong cluster cookie");
    welcome_msg welcome;
    std::vector<peer_info> others;
    {
        std::lock_guard lock(mutex_);
        auto it = workers_.find(hello.id);
        if (it == workers_.end() || it->second.connected) {
            return rt.reject(c, "unexpected worker id " + std::to_string(hello.id));
        }
        if (hello.build_id != main_build_id()) {
            it->second.refused = "it runs a different build of the program (build id " +
                                 hello.build_id + ", master " + main_build_id() + ")";
            welcome.reason = "worker " + std::to_string(hello.id) + " on " + hello.host + " " +
                             it->second.refused;
        } else {
            it->second.connected = true;
            it->second.info = {hello.id, hello.host, hello.addresses};
            for (const auto& [id, w] : workers_) {
                if (w.connected && id != hello.id) others.push_back(w.info);
            }
            welcome = {true, "", hello.id, static_cast<std::int32_t>(topology_), others};
        }
    }
    bytes frame = membership_frame(kind::welcome);
    encode_into(frame, welcome);
    if (!welcome.accepted) {
        try {
            c->send(frame);
        } catch (const dc::error&) {
        }
        return rt.reject(c, welcome.reason);
    }
    authenticate(*c, hello.id);
    rt.add_process({hello.id, hello.host, hello.addresses}, c);
    c->send(frame);
    bytes added = membership_frame(kind::peer_added);
    encode_into(added, peer_info{hello.id, hello.host, hello.addresses});
    broadcast(added, hello.id);
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
    broadcast(encode_head(peer_removed_head{kind::peer_removed, pid}), pid);
}

void master::rmprocs(const std::vector<int>& ids, std::chrono::milliseconds waitfor) {
    auto& rt = runtime::instance();
    if (rt.id() != 1) {
        throw dc::error("rmprocs called on process " + std::to_string(rt.id()) +
                        ": only the master (process 1) adds and removes workers");
    }
    std::vector<std::unique_ptr<managers::launched_worker>> stopping;
    for (int id : ids) {
        if (id == 1) throw std::invalid_argument("rmprocs: the master (id 1) cannot be removed");
    }
    for (int id : ids) {
        {
            std::lock_guard lock(mutex_);
            auto it = workers_.find(id);
            if (it == workers_.end()) continue;
            stopping.push_back(std::move(it->second.process));
            workers_.erase(it);
        }
        try {
            rt.send(id, membership_frame(kind::exit));
        } catch (const dc::error&) {
        }
        rt.remove_process(id, "removed by rmprocs", false);
        broadcast(encode_head(peer_removed_head{kind::peer_removed, id}), id);
    }
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
    std::vector<int> ids;
    {
        std::lock_guard lock(mutex_);
        for (const auto& [id, w] : workers_)
            ids.push_back(id);
    }
    rmprocs(ids);
    runtime::instance().io().stop_background();
}

} // namespace dc::detail
