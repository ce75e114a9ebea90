// The ssh manager's work, built into the module libdc_ssh.so with libssh and OpenSSL: only a
// master that uses the ssh manager loads it (see ssh_manager.cpp and common/module.hpp).

#include "common/module.hpp"
#include "common/shell_quote.hpp"
#include "ssh/ssh_link.hpp"

#include <dc/errors.hpp>
#include <dc/launcher/address.hpp>
#include <dc/launcher/bootstrap.hpp>
#include <dc/launcher/remote_worker.hpp>
#include <dc/launcher/route.hpp>

#include <openssl/crypto.h>

#include <semaphore>
#include <sstream>
#include <thread>

namespace dc::managers {

namespace {

namespace env = launcher::env;

/// Exec channels per SSH connection: sshd's MaxSessions defaults to 10.
constexpr int workers_per_link = 8;

using handshake_slots = std::counting_semaphore<1024>;

std::shared_ptr<ssh_link> connect_paced(const ssh_host& host, const ssh_settings& settings,
                                        handshake_slots& slots) {
    slots.acquire();
    try {
        auto link = std::make_shared<ssh_link>(host, settings);
        slots.release();
        return link;
    } catch (...) {
        slots.release();
        throw;
    }
}

/// Runs body(i) for i in [0, n) on threads and rethrows the first failure (in index order).
template <class Body> void for_each_parallel(std::size_t n, Body body) {
    std::vector<std::exception_ptr> errors(n);
    std::vector<std::thread> threads;
    threads.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        threads.emplace_back([&, i] {
            try {
                body(i);
            } catch (...) {
                errors[i] = std::current_exception();
            }
        });
    }
    for (auto& t : threads)
        t.join();
    for (auto& e : errors) {
        if (e) std::rethrow_exception(e);
    }
}

std::string first_tcp_address(const std::string& addresses) {
    for (const auto& a : launcher::split_addresses(addresses)) {
        if (!a.same_host_only()) return a.text();
    }
    throw launch_error("ssh manager: the master has no TCP address for remote workers");
}

/// The hosts' first connections and worker counts, between planned_workers and launch.
struct ssh_session {
    ssh_settings settings;
    std::vector<std::shared_ptr<ssh_link>> links; ///< the first link of each host
    std::vector<int> counts;
    handshake_slots slots{10};

    explicit ssh_session(ssh_settings s)
        : settings(std::move(s)), slots(std::clamp(settings.max_parallel, 1, 1024)) {}

    std::function<void(const std::string&)> log;

    void connect_all() {
        if (!links.empty()) return;
        const auto& hosts = settings.hosts;
        if (hosts.empty()) throw config_error("ssh manager: no hosts given");
        std::vector<std::shared_ptr<ssh_link>> connected(hosts.size());
        std::vector<int> found(hosts.size(), 1);
        for_each_parallel(hosts.size(), [&](std::size_t i) {
            log("ssh manager: connecting to " + hosts[i].display());
            connected[i] = connect_paced(hosts[i], settings, slots);
            if (hosts[i].auto_count) {
                const auto text = connected[i]->run("nproc");
                found[i] = std::max(1, std::atoi(text.c_str()));
            } else {
                found[i] = hosts[i].count.value_or(1);
            }
            log("ssh manager: " + hosts[i].display() + " authenticated, " +
                std::to_string(found[i]) + " worker(s)");
        });
        links = std::move(connected);
        counts = std::move(found);
    }
};

/// The ssh manager as the module implements it; ssh_manager forwards to it.
class ssh_workers final : public cluster_manager {
public:
    explicit ssh_workers(ssh_settings settings) : st_(std::move(settings)) {
        // libssh uses OpenSSL, whose own exit handler would run before dc::finalize closes
        // the workers' channels (handlers run in reverse order): keep OpenSSL alive until
        // the end.
        OPENSSL_init_crypto(OPENSSL_INIT_NO_ATEXIT, nullptr);
    }
    std::string name() const override { return "ssh"; }
    int planned_workers() override;
    std::string master_bind_hint() override;
    std::vector<std::unique_ptr<launched_worker>> launch(const launch_request& request) override;

private:
    std::vector<std::unique_ptr<launched_worker>> start_on_host(std::size_t h,
                                                                const std::vector<int>& ids,
                                                                const launch_request& request,
                                                                const std::string& master_tcp);
    ssh_session st_;
};

int ssh_workers::planned_workers() {
    st_.log = [this](const std::string& step) { log_step(step); };
    st_.connect_all();
    int total = 0;
    for (int c : st_.counts)
        total += c;
    return total;
}

std::string ssh_workers::master_bind_hint() {
    if (st_.settings.tunnel) return {};
    for (const auto& h : st_.settings.hosts) {
        if (launcher::is_loopback_host(h.host)) continue;
        try {
            return launcher::source_address_towards(h.host);
        } catch (const launch_error&) {
            // connecting will say what is wrong with this host
        }
    }
    return {};
}

void kill_all(std::vector<std::unique_ptr<launched_worker>>& workers) {
    for (auto& w : workers)
        w->kill();
}

/// Workers fill each host up to its count, in order; more than the counts wrap around.
std::vector<std::vector<int>> ids_by_host(const std::vector<int>& counts, int first_id, int n) {
    std::vector<std::vector<int>> ids(counts.size());
    std::size_t h = 0;
    int used = 0;
    for (int i = 0; i < n; ++i) {
        while (used >= counts[h]) {
            h = (h + 1) % counts.size();
            used = 0;
        }
        ids[h].push_back(first_id + i);
        ++used;
    }
    return ids;
}

std::vector<std::unique_ptr<launched_worker>>
ssh_workers::start_on_host(std::size_t h, const std::vector<int>& ids,
                           const launch_request& request, const std::string& master_tcp) {
    const auto& host = st_.settings.hosts[h];
    std::vector<std::unique_ptr<launched_worker>> started;
    std::shared_ptr<ssh_link> link;
    int tunnel_port = 0;
    try {
        for (std::size_t k = 0; k < ids.size(); ++k) {
            if (k % workers_per_link == 0) {
                link = k == 0 ? st_.links[h] : connect_paced(host, st_.settings, st_.slots);
                if (st_.settings.tunnel) tunnel_port = link->open_reverse_tunnel(master_tcp);
            }
            auto cmd = request.command;
            launcher::remote_worker_env how;
            how.id = ids[k];
            if (!host.bind_addr.empty()) how.bind_to = host.bind_addr;
            const std::string cookie = launcher::make_remote(cmd, how);
            if (st_.settings.tunnel) {
                cmd.env[env::master] = "tcp:127.0.0.1:" + std::to_string(tunnel_port);
            }
            if (!host.dir.empty()) cmd.dir = host.dir;
            if (!host.exename.empty()) cmd.exe = host.exename;
            // The first line tells the remote pid, to kill the worker if it must be.
            const std::string line = "echo dcrun-pid $$; " + shell_command(cmd);
            log_step("ssh manager: worker " + std::to_string(ids[k]) + " on " + host.display() +
                     ": " + line);
            started.push_back(link->start_worker(ids[k], line, cookie + "\n", request.on_output));
        }
    } catch (...) {
        kill_all(started);
        throw;
    }
    return started;
}

std::vector<std::unique_ptr<launched_worker>> ssh_workers::launch(const launch_request& request) {
    st_.log = [this](const std::string& step) { log_step(step); };
    st_.connect_all();
    const auto ids = ids_by_host(st_.counts, request.first_id, request.count);
    const std::string master_tcp =
        st_.settings.tunnel ? first_tcp_address(request.command.env.at(env::master)) : "";
    std::vector<std::vector<std::unique_ptr<launched_worker>>> started(ids.size());
    try {
        for_each_parallel(ids.size(), [&](std::size_t h) {
            started[h] = start_on_host(h, ids[h], request, master_tcp);
        });
    } catch (...) {
        for (auto& list : started)
            kill_all(list);
        throw;
    }
    st_.links.clear(); // the workers hold the links now; a later launch connects anew
    st_.counts.clear();
    std::vector<std::unique_ptr<launched_worker>> all;
    for (auto& list : started) {
        for (auto& w : list)
            all.push_back(std::move(w));
    }
    std::sort(all.begin(), all.end(),
              [](const auto& a, const auto& b) { return a->id() < b->id(); });
    return all;
}

} // namespace

} // namespace dc::managers

/// The module's factory (see common/module.hpp): a new ssh manager for these settings.
extern "C" DC_MODULE_EXPORT dc::managers::cluster_manager*
dc_module_make_ssh(const dc::managers::ssh_settings* settings) {
    return new dc::managers::ssh_workers(*settings);
}

extern "C" DC_MODULE_EXPORT const char* dc_module_stamp() {
    return DC_MODULE_STAMP;
}
