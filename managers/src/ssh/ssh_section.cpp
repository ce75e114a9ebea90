// The ssh section of a cluster file, and host specs ("[user@]host[:port]").

#include <dc/managers/ssh_manager.hpp>

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace dc::managers {
namespace {

ssh_host read_host(const config_reader& r, const config_node& n) {
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

void read_ssh_section(const config_reader& r, const config_node& n, ssh_settings& s) {
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

} // namespace dc::managers
