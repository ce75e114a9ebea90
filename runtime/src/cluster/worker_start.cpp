// A worker's start as the master sees it: its greeting (checked, welcomed, announced to the
// others), the wait until every worker of a launch has connected or failed, and what to tell
// the user when one did not.

#include "cluster/master.hpp"
#include "cluster/runtime.hpp"
#include "engine/interrupts.hpp"
#include "peers/handshake.hpp"
#include "util/build_id.hpp"
#include "util/log.hpp"

#include <dc/detail/byte_stream.hpp>
#include <dc/errors.hpp>

#include <sstream>

namespace dc::detail {

// The start-up timeout counts from when the scheduler runs the workers, not their queue time.
void master::wait_until_connected(const std::string& manager, const std::vector<int>& ids,
                                  double timeout) {
    const auto limit =
        std::chrono::duration_cast<engine::clock::duration>(std::chrono::duration<double>(timeout));
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
            DC_LOG(debug, manager << " manager: workers " << ids.front() << ".." << ids.back()
                                  << (queued ? " queued" : " running"));
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
    uninterruptible shield; // a second Ctrl-C ends the run; one alone lets the start finish
    while (!settled() && engine::clock::now() < deadline) {
        runtime::instance().io().wait_until(settled, deadline, std::chrono::milliseconds(20));
    }
}

std::string master::start_failure(const std::string& manager, const std::vector<int>& ids,
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
    bytes added{static_cast<char>(kind::peer_added)};
    encode_into(added, peer_info{hello.id, hello.host, hello.addresses});
    broadcast(added, hello.id);
}

} // namespace dc::detail
