#include "cluster_file.hpp"

#include "config_reader.hpp"

#include <dc/errors.hpp>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <functional>
#include <optional>
#include <set>
#include <stdexcept>

namespace dc::cli {
namespace {

using detail::config_node;

ssh_host read_host(const detail::config_reader& r, const config_node& n) {
    if (n.type == config_node::kind::scalar) { // "user@host:port"
        try {
            return parse_host_spec(n.text);
        } catch (const std::invalid_argument& e) {
            r.fail(n, e.what(), "write [user@]host[:port], e.g. alice@node1:2222");
        }
    }
    ssh_host h;
    bool has_host = false;
    r.each(n, "an ssh host", {"host", "user", "port", "count", "dir", "exename"},
           [&](const std::string& key, const config_node& v) {
               if (key == "host") {
                   h.host = r.text(v, "host");
                   has_host = !h.host.empty();
               } else if (key == "user") {
                   h.user = r.text(v, "user");
               } else if (key == "port") {
                   h.port = r.whole(v, "port", 1);
               } else if (key == "count") {
                   if (v.type == config_node::kind::scalar && v.text == "auto") {
                       h.auto_count = true;
                   } else {
                       h.count = r.whole(v, "count", 1);
                   }
               } else if (key == "dir") {
                   h.dir = r.text(v, "dir");
               } else {
                   h.exename = r.text(v, "exename");
               }
           });
    if (!has_host) r.fail(n, "an ssh host needs 'host'", "- host: node1");
    return h;
}

void read_ssh(const detail::config_reader& r, const config_node& n, managers::ssh_settings& s) {
    r.each(
        n, "ssh", {"hosts", "identity", "known_hosts", "host_key_check", "tunnel"},
        [&](const std::string& key, const config_node& v) {
            if (key == "hosts") {
                if (v.type != config_node::kind::list) {
                    r.fail(v, "'ssh.hosts' must be a list of hosts",
                           "hosts: [node1, \"bob@node2:2222\"]");
                }
                for (const auto& item : v.items)
                    s.hosts.push_back(read_host(r, item));
            } else if (key == "identity") {
                s.identity = r.text(v, "identity");
            } else if (key == "known_hosts") {
                s.known_hosts = r.text(v, "known_hosts");
            } else if (key == "host_key_check") {
                s.host_key_check = r.choice(v, "host_key_check", {"strict", "accept-new", "off"});
            } else {
                s.tunnel = r.flag(v, "tunnel");
            }
        });
}

void read_slurm(const detail::config_reader& r, const config_node& n, managers::slurm_settings& s) {
    r.each(n, "slurm",
           {"partition", "time", "account", "nodes", "ntasks_per_node", "cpus_per_task", "extra"},
           [&](const std::string& key, const config_node& v) {
               if (key == "partition")
                   s.partition = r.text(v, key);
               else if (key == "time")
                   s.time = r.text(v, key);
               else if (key == "account")
                   s.account = r.text(v, key);
               else if (key == "nodes")
                   s.nodes = r.whole(v, key, 1);
               else if (key == "ntasks_per_node")
                   s.ntasks_per_node = r.whole(v, key, 1);
               else if (key == "cpus_per_task")
                   s.cpus_per_task = r.whole(v, key, 1);
               else
                   s.extra = r.words(v, key);
           });
}

void read_pbs(const detail::config_reader& r, const config_node& n, managers::pbs_settings& s) {
    r.each(n, "pbs", {"dialect", "queue", "walltime", "select", "account", "extra"},
           [&](const std::string& key, const config_node& v) {
               if (key == "dialect")
                   s.dialect = r.choice(v, key, {"torque", "pbspro"});
               else if (key == "queue")
                   s.queue = r.text(v, key);
               else if (key == "walltime")
                   s.walltime = r.text(v, key);
               else if (key == "select")
                   s.select = r.text(v, key);
               else if (key == "account")
                   s.account = r.text(v, key);
               else
                   s.extra = r.words(v, key);
           });
}

/// Each manager's section of a cluster file, by the section name of its registry entry.
void read_section(const detail::config_reader& r, const std::string& section, const config_node& n,
                  managers::manager_settings& s) {
    if (section == "ssh") return read_ssh(r, n, s.ssh);
    if (section == "slurm") return read_slurm(r, n, s.slurm);
    if (section == "pbs") return read_pbs(r, n, s.pbs);
    r.fail(n, "dcrun cannot read the '" + section + "' section yet", "remove it");
}

std::vector<std::string> top_keys() {
    std::vector<std::string> keys{"manager", "workers", "exename",  "exeflags", "dir",
                                  "env",     "timeout", "topology", "bind_to"};
    for (const auto& entry : managers::manager_registry()) {
        if (!entry.section.empty()) keys.emplace_back(entry.section);
    }
    return keys;
}

} // namespace

ssh_host parse_host_spec(const std::string& spec) {
    ssh_host h;
    std::string rest = spec;
    if (auto at = rest.find('@'); at != std::string::npos) {
        h.user = rest.substr(0, at);
        rest = rest.substr(at + 1);
        if (h.user.empty()) throw std::invalid_argument("empty user name in host '" + spec + "'");
    }
    if (auto colon = rest.rfind(':');
        colon != std::string::npos && rest.find(']') == std::string::npos) {
        const auto port = rest.substr(colon + 1);
        rest = rest.substr(0, colon);
        if (port.empty() || !std::all_of(port.begin(), port.end(), ::isdigit) || port.size() > 5 ||
            std::stoi(port) < 1 || std::stoi(port) > 65535) {
            throw std::invalid_argument("bad port '" + port + "' in host '" + spec + "'");
        }
        h.port = std::stoi(port);
    }
    if (rest.empty()) throw std::invalid_argument("no host name in '" + spec + "'");
    if (rest.find_first_of(" \t/,") != std::string::npos) {
        throw std::invalid_argument("'" + rest + "' is not a host name");
    }
    h.host = rest;
    return h;
}

cluster_file read_cluster_file(const std::string& path) {
    const auto ext = std::filesystem::path(path).extension().string();
    if (ext != ".yaml" && ext != ".yml" && ext != ".toml") {
        throw config_error(path + ": cluster files end in .yaml, .yml or .toml");
    }
    const auto doc = ext == ".toml" ? detail::read_toml(path) : detail::read_yaml(path);
    detail::config_reader r(path);
    cluster_file f;
    f.path = path;
    if (doc.type == config_node::kind::null) return f;
    const config_node* manager_node = nullptr;
    r.each(doc, "the cluster file", top_keys(), [&](const std::string& key, const config_node& v) {
        if (key == "manager") {
            f.manager = r.choice(v, key, managers::manager_names());
            manager_node = &v;
        } else if (key == "workers") {
            f.workers = r.whole(v, key, 0);
        } else if (key == "exename") {
            f.exename = r.text(v, key);
        } else if (key == "exeflags") {
            f.exeflags = r.words(v, key);
        } else if (key == "dir") {
            f.dir = r.text(v, key);
        } else if (key == "env") {
            if (v.type != config_node::kind::map) {
                r.fail(v, "'env' must be a table of NAME: value", "env:\n  OMP_NUM_THREADS: \"1\"");
            }
            for (const auto& e : v.entries)
                f.env[e.key] = r.text(e.value, "env." + e.key);
        } else if (key == "timeout") {
            f.timeout = r.seconds(v, key);
        } else if (key == "topology") {
            f.topology = r.choice(v, key, {"all_to_all", "master_worker"});
        } else if (key == "bind_to") {
            f.bind_to = r.text(v, key);
        } else {
            read_section(r, key, v, f.settings);
        }
    });
    if (f.manager == "ssh" && f.settings.ssh.hosts.empty()) {
        r.fail(manager_node ? *manager_node : doc, "manager 'ssh' needs ssh.hosts",
               "add\nssh:\n  hosts: [node1, node2]");
    }
    return f;
}

} // namespace dc::cli
