#include <dc/managers/ssh_manager.hpp>

#include "common/json_settings.hpp"
#include "common/shell_quote.hpp"
#include "ssh/ssh_link.hpp"

#include <dc/errors.hpp>
#include <dc/launcher/bootstrap.hpp>
#include <dc/launcher/route.hpp>

#include <cereal/types/optional.hpp>
#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>

#include <openssl/crypto.h>

#include <semaphore>
#include <sstream>
#include <thread>

namespace dc::managers {

template <class Archive> void serialize(Archive& a, ssh_host& h) {
    a(cereal::make_nvp("host", h.host), cereal::make_nvp("user", h.user),
      cereal::make_nvp("port", h.port), cereal::make_nvp("count", h.count),
      cereal::make_nvp("auto_count", h.auto_count), cereal::make_nvp("dir", h.dir),
      cereal::make_nvp("exename", h.exename), cereal::make_nvp("bind_addr", h.bind_addr));
}

template <class Archive> void serialize(Archive& a, ssh_settings& s) {
    a(cereal::make_nvp("hosts", s.hosts), cereal::make_nvp("identity", s.identity),
      cereal::make_nvp("known_hosts", s.known_hosts),
      cereal::make_nvp("host_key_check", s.host_key_check), cereal::make_nvp("tunnel", s.tunnel),
      cereal::make_nvp("max_parallel", s.max_parallel));
}

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
    std::istringstream list(addresses);
    for (std::string a; std::getline(list, a, ';');) {
        if (a.rfind("tcp:", 0) == 0) return a;
    }
    throw launch_error("ssh manager: the master has no TCP address for remote workers");
}

} // namespace

std::string ssh_host::display() const {
    return (user.empty() ? "" : user + "@") + host + ":" + std::to_string(port);
}

std::string encode_ssh_settings(const ssh_settings& s) {
    return settings_to_json("ssh", s);
}

ssh_settings decode_ssh_settings(const std::string& text) {
    return settings_from_json<ssh_settings>("ssh", text);
}

struct ssh_manager::state {
    ssh_settings settings;
    std::vector<std::shared_ptr<ssh_link>> links; ///< the first link of each host
    std::vector<int> counts;
    handshake_slots slots{10};

    explicit state(ssh_settings s)
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

ssh_manager::ssh_manager(ssh_settings settings)
    : state_(std::make_unique<state>(std::move(settings))) {
    // libssh uses OpenSSL, whose own exit handler would run before dc::finalize closes the
    // workers' channels (handlers run in reverse order): keep OpenSSL alive until the end.
    OPENSSL_init_crypto(OPENSSL_INIT_NO_ATEXIT, nullptr);
}
ssh_manager::~ssh_manager() = default;

int ssh_manager::planned_workers() {
    state_->log = [this](const std::string& step) { log_step(step); };
    state_->connect_all();
    int total = 0;
    for (int c : state_->counts)
        total += c;
    return total;
}

std::string ssh_manager::master_bind_hint() {
    if (state_->settings.tunnel) return {};
    for (const auto& h : state_->settings.hosts) {
        if (launcher::is_loopback_host(h.host)) continue;
        try {
            return launcher::source_address_towards(h.host);
        } catch (const launch_error&) {
            // connecting will say what is wrong with this host
        }
    }
    return {};
}

std::vector<std::unique_ptr<launched_worker>> ssh_manager::launch(const launch_request& request) {
    auto& st = *state_;
    st.log = [this](const std::string& step) { log_step(step); };
    st.connect_all();
    // Workers fill each host up to its count, in order; more than the counts wrap around.
    const std::size_t n_hosts = st.links.size();
    std::vector<std::vector<int>> ids_of_host(n_hosts);
    {
        std::size_t h = 0;
        int used = 0;
        for (int i = 0; i < request.count; ++i) {
            while (used >= st.counts[h]) {
                h = (h + 1) % n_hosts;
                used = 0;
            }
            ids_of_host[h].push_back(request.first_id + i);
            ++used;
        }
    }
    const std::string master_tcp =
        st.settings.tunnel ? first_tcp_address(request.command.env.at(env::master)) : "";
    std::vector<std::vector<std::unique_ptr<launched_worker>>> started(n_hosts);
    try {
        for_each_parallel(n_hosts, [&](std::size_t h) {
            const auto& host = st.settings.hosts[h];
            std::shared_ptr<ssh_link> link;
            int tunnel_port = 0;
            for (std::size_t k = 0; k < ids_of_host[h].size(); ++k) {
                const int id = ids_of_host[h][k];
                if (k % workers_per_link == 0) {
                    link = k == 0 ? st.links[h] : connect_paced(host, st.settings, st.slots);
                    if (st.settings.tunnel) tunnel_port = link->open_reverse_tunnel(master_tcp);
                }
                auto cmd = request.command;
                const std::string cookie = cmd.env.at(env::cookie);
                cmd.env.erase(env::cookie);
                cmd.env[env::cookie_on_stdin] = "1";
                cmd.env[env::worker_id] = std::to_string(id);
                cmd.env[env::bind_to] = host.bind_addr.empty() ? "auto" : host.bind_addr;
                if (st.settings.tunnel) {
                    cmd.env[env::master] = "tcp:127.0.0.1:" + std::to_string(tunnel_port);
                }
                if (!host.dir.empty()) cmd.dir = host.dir;
                if (!host.exename.empty()) cmd.exe = host.exename;
                // The first line tells the remote pid, to kill the worker if it must be.
                const std::string line = "echo dcrun-pid $$; " + shell_command(cmd);
                log_step("ssh manager: worker " + std::to_string(id) + " on " + host.display() +
                         ": " + line);
                started[h].push_back(
                    link->start_worker(id, line, cookie + "\n", request.on_output));
            }
        });
    } catch (...) {
        for (auto& list : started) {
            for (auto& w : list)
                w->kill();
        }
        throw;
    }
    st.links.clear(); // the workers hold the links now; a later launch connects anew
    st.counts.clear();
    std::vector<std::unique_ptr<launched_worker>> all;
    for (auto& list : started) {
        for (auto& w : list)
            all.push_back(std::move(w));
    }
    std::sort(all.begin(), all.end(),
              [](const auto& a, const auto& b) { return a->id() < b->id(); });
    return all;
}

} // namespace dc::managers
