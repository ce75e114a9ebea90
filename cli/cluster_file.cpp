#include "cluster_file.hpp"

#include "config_tree.hpp"

#include <dc/errors.hpp>
#include <dc/launcher/launch_plan.hpp>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <functional>
#include <optional>
#include <set>
#include <stdexcept>

namespace dc::cli {
namespace {

using managers::config_node;

std::vector<std::string> top_keys() {
    std::vector<std::string> keys{
        "manager",         "workers",  "exename",      "exeflags",  "dir",         "env",
        "timeout",         "topology", "bind_to",      "heartbeat", "min_workers", "drain_before",
        "replace_workers", "adapt",    "idle_timeout", "trace"};
    for (const auto& entry : managers::manager_registry()) {
        if (!entry.section.empty()) keys.emplace_back(entry.section);
    }
    return keys;
}

} // namespace

cluster_file read_cluster_file(const std::string& path) {
    const auto ext = std::filesystem::path(path).extension().string();
    if (ext != ".yaml" && ext != ".yml" && ext != ".toml") {
        throw config_error(path + ": cluster files end in .yaml, .yml or .toml");
    }
    const auto doc = ext == ".toml" ? detail::read_toml(path) : detail::read_yaml(path);
    managers::config_reader r(path);
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
        } else if (key == "min_workers") {
            f.min_workers = r.whole(v, key, 1);
        } else if (key == "heartbeat") {
            f.heartbeat = v.text == "0" ? 0.0 : r.seconds(v, key); // 0: never
        } else if (key == "drain_before") {
            f.drain_before = v.text == "0" ? 0.0 : r.seconds(v, key); // 0: never
        } else if (key == "replace_workers") {
            f.replace_workers = r.flag(v, key);
        } else if (key == "adapt") {
            f.adapt = r.text(v, key);
            if (!launcher::parse_adapt_range(*f.adapt)) {
                r.fail(v, "'adapt' must be MIN:MAX with 0 <= MIN <= MAX and MAX >= 1",
                       "adapt: \"1:6\"");
            }
        } else if (key == "idle_timeout") {
            f.idle_timeout = r.seconds(v, key);
        } else if (key == "trace") {
            f.trace = r.text(v, key);
        } else if (key == "topology") {
            f.topology = r.choice(v, key, {"all_to_all", "master_worker"});
        } else if (key == "bind_to") {
            f.bind_to = r.text(v, key);
        } else { // a manager's section: the manager reads it
            for (const auto& entry : managers::manager_registry()) {
                if (entry.section == key) entry.read_section(r, v, f.settings);
            }
        }
    });
    if (f.manager == "ssh" && f.settings.ssh.hosts.empty()) {
        r.fail(manager_node ? *manager_node : doc, "manager 'ssh' needs ssh.hosts",
               "add\nssh:\n  hosts: [node1, node2]");
    }
    return f;
}

} // namespace dc::cli
