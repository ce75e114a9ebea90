#include "ssh/ssh_auth.hpp"

#include <dc/errors.hpp>

#include <libssh/libssh.h>

#include <chrono>
#include <cstdlib>
#include <thread>

namespace dc::managers {
namespace {

constexpr int connect_attempts = 4;

struct session_owner {
    ssh_session s = ssh_new();
    ~session_owner() {
        if (s) ssh_free(s);
    }
    ssh_session release() { return std::exchange(s, nullptr); }
};

std::string known_hosts_file(const ssh_settings& settings) {
    return settings.known_hosts.empty() ? expand_home("~/.ssh/known_hosts")
                                        : expand_home(settings.known_hosts);
}

void check_host_key(ssh_session s, const ssh_host& host, const ssh_settings& settings) {
    if (settings.host_key_check == "off") return;
    const std::string file = known_hosts_file(settings);
    const std::string where = "ssh manager: " + host.display() + ": ";
    const std::string add_it = "check its fingerprint and add it (ssh-keyscan -p " +
                               std::to_string(host.port) + " " + host.host + " >> " + file +
                               "), or set ssh.host_key_check: accept-new";
    switch (ssh_session_is_known_server(s)) {
    case SSH_KNOWN_HOSTS_OK:
        return;
    case SSH_KNOWN_HOSTS_CHANGED:
    case SSH_KNOWN_HOSTS_OTHER:
        throw launch_error(where + "THE HOST KEY HAS CHANGED since it was recorded in " + file +
                           " (someone may be intercepting the connection); if the host was "
                           "reinstalled, remove its old line from that file");
    case SSH_KNOWN_HOSTS_NOT_FOUND:
    case SSH_KNOWN_HOSTS_UNKNOWN:
        if (settings.host_key_check == "accept-new") {
            if (ssh_session_update_known_hosts(s) != SSH_OK) {
                throw launch_error(where + "cannot record its host key in " + file + ": " +
                                   ssh_get_error(s));
            }
            return;
        }
        throw launch_error(where + "its host key is not in " + file + "; " + add_it);
    case SSH_KNOWN_HOSTS_ERROR:
        break;
    }
    throw launch_error(where + "cannot check its host key: " + ssh_get_error(s));
}

void authenticate(ssh_session s, const ssh_host& host, const ssh_settings& settings) {
    const std::string where = "ssh manager: " + host.display() + ": ";
    int rc = SSH_AUTH_ERROR;
    std::string key_text = "the default keys and agent";
    if (!settings.identity.empty()) {
        const std::string file = expand_home(settings.identity);
        key_text = file;
        ssh_key key = nullptr;
        if (ssh_pki_import_privkey_file(file.c_str(), nullptr, nullptr, nullptr, &key) != SSH_OK) {
            throw launch_error(where + "cannot read the private key " + file +
                               " (ssh.identity): it must exist, be readable and have no "
                               "passphrase (or use an agent and leave ssh.identity out)");
        }
        rc = ssh_userauth_publickey(s, nullptr, key);
        ssh_key_free(key);
    } else {
        rc = ssh_userauth_publickey_auto(s, nullptr, nullptr);
    }
    if (rc != SSH_AUTH_SUCCESS) {
        throw launch_error(where + "key authentication with " + key_text + " was refused (" +
                           ssh_get_error(s) + "); add the public key to ~/.ssh/authorized_keys " +
                           "of the user there, or set ssh.identity to the right key");
    }
}

} // namespace

std::string expand_home(const std::string& path) {
    if (path.rfind("~/", 0) != 0) return path;
    const char* home = std::getenv("HOME");
    return std::string(home ? home : "") + path.substr(1);
}

void* open_authenticated_session(const ssh_host& host, const ssh_settings& settings) {
    std::string why;
    for (int attempt = 0; attempt < connect_attempts; ++attempt) {
        if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(100 << attempt));
        session_owner owner;
        ssh_session s = owner.s;
        const long timeout_s = 10;
        const int port = host.port;
        ssh_options_set(s, SSH_OPTIONS_HOST, host.host.c_str());
        ssh_options_set(s, SSH_OPTIONS_PORT, &port);
        ssh_options_set(s, SSH_OPTIONS_TIMEOUT, &timeout_s);
        if (!host.user.empty()) ssh_options_set(s, SSH_OPTIONS_USER, host.user.c_str());
        const std::string known = known_hosts_file(settings);
        ssh_options_set(s, SSH_OPTIONS_KNOWNHOSTS, known.c_str());
        if (ssh_connect(s) != SSH_OK) {
            why = ssh_get_error(s);
            continue; // refused, reset before the banner (MaxStartups), slow to answer
        }
        check_host_key(s, host, settings);
        authenticate(s, host, settings);
        return owner.release();
    }
    throw launch_error("ssh manager: cannot connect to " + host.display() + ": " + why +
                       "; check the host name and port, and that sshd runs there");
}

} // namespace dc::managers
