// A worker's start as the master sees it: its greeting (checked, welcomed, announced to the
// others), the wait until every worker of a launch has connected or failed, and what to tell
// the user when one did not.

#include "cluster/launch_progress.hpp"
#include "cluster/master.hpp"
#include "cluster/runtime.hpp"
#include "engine/interrupts.hpp"
#include "peers/handshake.hpp"
#include "trace/trace_log.hpp"
#include "trace/trace_run.hpp"
#include "util/build_id.hpp"
#include "util/log.hpp"

#include <dc/detail/byte_stream.hpp>
#include <dc/errors.hpp>

#include <algorithm>
#include <map>
#include <sstream>

namespace dc::detail {

// The start-up timeout counts from when the scheduler runs the workers, not their queue time.
// Returns true when it ran out (some worker neither connected nor failed).
bool master::wait_until_connected(const std::string& manager, const std::vector<int>& ids,
                                  double timeout, std::size_t need) {
    const auto limit =
        std::chrono::duration_cast<engine::clock::duration>(std::chrono::duration<double>(timeout));
    auto deadline = engine::clock::now() + limit;
    bool queued_before = false;
    std::size_t first_unconnected = 0; // workers connect once and stay: the scan never goes back
    auto last_queue_look = engine::clock::time_point{};
    launch_progress progress(!quiet_, ids.size());
    // Evaluated after every frame: O(1) a time (a scan of every worker each time made the
    // master's start-up O(N^2): 0.7 s of CPU at 2000 workers).
    auto settled = [&] {
        std::lock_guard lock(mutex_);
        const auto now = engine::clock::now();
        if (now - last_queue_look >= std::chrono::milliseconds(20)) { // queue time is not counted
            last_queue_look = now;
            bool queued = false;
            for (std::size_t i = first_unconnected; i < ids.size() && !queued; ++i) {
                auto it = workers_.find(ids[i]);
                queued = it != workers_.end() && it->second.process->waiting_in_queue();
            }
            if (queued || queued_before) deadline = now + limit;
            if (queued != queued_before) {
                DC_LOG(debug, manager << " manager: workers " << ids.front() << ".." << ids.back()
                                      << (queued ? " queued" : " running"));
                if (trace::enabled()) {
                    trace::step(manager + " manager: workers " + std::to_string(ids.front()) +
                                ".." + std::to_string(ids.back()) +
                                (queued ? " queued" : " running"));
                }
            }
            queued_before = queued;
        }
        if (progress.due()) show_progress(progress, ids);
        for (; first_unconnected < ids.size(); ++first_unconnected) {
            auto it = workers_.find(ids[first_unconnected]);
            if (it == workers_.end() || !it->second.refused.empty()) return true;
            if (!it->second.connected && !it->second.process->running()) return true;
            if (!it->second.connected) break;
        }
        if (first_unconnected == ids.size() || first_unconnected >= need) return true;
        if (need == ids.size()) return false;
        std::size_t connected = first_unconnected; // min_workers: count the later ones too
        for (std::size_t i = first_unconnected + 1; i < ids.size(); ++i) {
            auto it = workers_.find(ids[i]);
            connected += it != workers_.end() && it->second.connected ? 1 : 0;
        }
        return connected >= need;
    };
    uninterruptible shield; // a second Ctrl-C ends the run; one alone lets the start finish
    while (!settled() && engine::clock::now() < deadline) {
        runtime::instance().io().wait_until(settled, deadline, std::chrono::milliseconds(20));
    }
    const bool done = settled();
    if (progress.due()) { // the last count stays on screen only until the line is cleared
        std::lock_guard lock(mutex_);
        show_progress(progress, ids);
    }
    return !done;
}

// O(N): called at most five times a second.
void master::show_progress(launch_progress& progress, const std::vector<int>& ids) {
    std::size_t connected = 0, queued = 0;
    std::string job;
    for (int id : ids) {
        auto it = workers_.find(id);
        if (it == workers_.end()) continue;
        if (it->second.connected) {
            ++connected;
        } else if (it->second.process->waiting_in_queue()) {
            if (queued++ == 0) { // "job 1234, task 5" -> "job 1234"
                const auto what = it->second.process->describe();
                if (what.rfind("job ", 0) == 0) job = what.substr(0, what.find(','));
            }
        }
    }
    progress.show(connected, queued, job);
}

namespace {

/// Why a worker did not start, without naming it (workers with the same cause are grouped).
/// "" for a worker still starting when the launch was given up early (another failed).
std::string start_cause(managers::launched_worker& process, const std::string& refused,
                        double timeout, bool timed_out) {
    if (!refused.empty()) return "was refused: " + refused;
    if (auto status = process.exit_status()) {
        return "exited with code " + std::to_string(*status) + " before connecting";
    }
    if (!timed_out) return "";
    std::ostringstream text;
    text << "did not connect within " << timeout << " s";
    return text.str();
}

/// "2, 3, 4 and 9" (at most 10 ids, then "and N more").
std::string id_list(const std::vector<int>& ids) {
    std::string text;
    const std::size_t shown = std::min<std::size_t>(ids.size(), 10);
    for (std::size_t i = 0; i < shown; ++i) {
        if (i > 0) text += i + 1 == ids.size() ? " and " : ", ";
        text += std::to_string(ids[i]);
    }
    if (ids.size() > shown) text += " and " + std::to_string(ids.size() - shown) + " more";
    return text;
}

} // namespace

// One worker that failed is described as it is (its host, what it was, its last output). Many
// are grouped by cause: a count and their ids per cause, then the first one's description, so
// that 37 failures of 2000 read as a few lines, not 37 blocks of output.
std::string master::start_failure(const std::string& manager, const std::vector<int>& ids,
                                  double timeout, bool timed_out) {
    std::lock_guard lock(mutex_);
    std::vector<std::string> causes; // in order of first appearance
    std::map<std::string, std::vector<int>> failed;
    std::size_t count = 0;
    std::size_t stopped = 0; // still starting when another failed
    for (int id : ids) {
        auto it = workers_.find(id);
        if (it != workers_.end() && it->second.connected) continue;
        const std::string cause =
            it == workers_.end()
                ? "exited during start-up"
                : start_cause(*it->second.process, it->second.refused, timeout, timed_out);
        if (cause.empty()) {
            ++stopped;
            continue;
        }
        if (failed[cause].empty()) causes.push_back(cause);
        failed[cause].push_back(id);
        ++count;
    }
    if (count == 0) return {};
    std::ostringstream text;
    text << manager << " manager: ";
    if (count > 1) {
        text << count << " of " << ids.size() << " workers did not start (" << causes.size()
             << (causes.size() == 1 ? " cause" : " causes") << "):";
    }
    for (const auto& cause : causes) {
        const auto& group = failed[cause];
        if (count > 1) {
            text << "\n  " << group.size() << " (" << id_list(group) << ") " << cause
                 << "; the first: ";
        }
        text << describe_failed_start(group.front(), cause);
    }
    if (stopped > 0) {
        text << "\n  (" << stopped << (stopped == 1 ? " other was" : " others were")
             << " still starting and " << (stopped == 1 ? "was" : "were") << " stopped)";
    }
    return text.str();
}

std::string master::describe_failed_start(int id, const std::string& cause) {
    auto it = workers_.find(id);
    if (it == workers_.end()) return "worker " + std::to_string(id) + " " + cause;
    auto& w = it->second;
    std::ostringstream text;
    text << "worker " << id << " on " << w.process->host() << " (" << w.process->describe() << ") "
         << cause;
    w.process->drain_output(std::chrono::milliseconds(500));
    const auto lines = w.process->last_output();
    if (lines.empty()) {
        text << "; it printed nothing";
    } else {
        text << "; last output:";
        for (const auto& l : lines)
            text << "\n    " << l;
    }
    return text.str();
}

void master::follow_late_workers(const std::string& manager, std::vector<int> ids, double timeout) {
    using clock = std::chrono::steady_clock;
    const auto limit =
        std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(timeout));
    std::map<int, clock::time_point> deadline; // pushed back while a worker waits in the queue
    for (int id : ids)
        deadline[id] = clock::now() + limit;
    while (!ids.empty()) {
        {
            std::unique_lock lock(late_mutex_);
            if (late_cv_.wait_for(lock, std::chrono::milliseconds(50),
                                  [this] { return stop_late_; }))
                return;
        }
        std::vector<int> failed, starting;
        {
            std::lock_guard lock(mutex_);
            const auto now = clock::now();
            for (int id : ids) {
                auto it = workers_.find(id);
                if (it == workers_.end() || it->second.connected) continue; // gone, or joined
                if (it->second.process->waiting_in_queue()) deadline[id] = now + limit;
                const auto cause = start_cause(*it->second.process, it->second.refused, timeout,
                                               now > deadline[id]);
                (cause.empty() ? starting : failed).push_back(id);
            }
        }
        if (!failed.empty()) {
            DC_LOG(warn, start_failure(manager, failed, timeout, true)
                             << " (the cluster goes on without "
                             << (failed.size() == 1 ? "it)" : "them)"));
            discard(failed);
        }
        ids = std::move(starting);
    }
}

void master::follow_late(const std::string& manager, std::vector<int> ids, double timeout) {
    std::lock_guard lock(late_mutex_);
    if (stop_late_) return;
    late_followers_.emplace_back([this, manager, ids = std::move(ids), timeout] {
        follow_late_workers(manager, ids, timeout);
    });
}

void master::stop_following_late_workers() {
    {
        std::lock_guard lock(late_mutex_);
        stop_late_ = true;
    }
    late_cv_.notify_all();
    std::vector<std::thread> followers;
    {
        std::lock_guard lock(late_mutex_);
        followers.swap(late_followers_);
    }
    for (auto& t : followers)
        t.join();
    std::lock_guard lock(late_mutex_);
    stop_late_ = false;
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
    const std::int64_t received = trace::now_ns();
    auto& rt = runtime::instance();
    hello_msg hello;
    try {
        hello = decode_as<hello_msg>(std::span<const char>(body).subspan(1));
    } catch (const std::exception&) {
        return rt.reject(c, "malformed greeting");
    }
    if (hello.magic != protocol_magic) return rt.reject(c, "not a dc worker");
    if (!cookie_matches(rt.cookie(), hello.cookie)) return rt.reject(c, "wrong cluster cookie");
    welcome_msg welcome; // no peer list: workers ask the master about a peer when they need it
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
            it->second.job_end = hello.job_end;
            welcome = {true, "", hello.id, static_cast<std::int32_t>(topology_), {}};
            welcome.hello_received_ns = received;
            welcome.trace = trace::enabled();
            if (welcome.trace) welcome.boot_id = trace::boot_id();
        }
    }
    welcome.sent_ns = trace::now_ns();
    bytes frame{static_cast<char>(kind::welcome)};
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
    if (hello.job_end > 0) watch_walltime(hello.id, hello.job_end);
    if (trace::enabled()) {
        trace::expect_process(hello.id, hello.host);
        trace::step("worker " + std::to_string(hello.id) + " connected", hello.id);
    }
}

} // namespace dc::detail
