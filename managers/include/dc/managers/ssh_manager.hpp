#pragma once
// Workers on other hosts over SSH (libssh): key authentication, known-hosts checking, one
// session per host (channels multiplexed), hosts connected in parallel but paced so that sshd's
// MaxStartups is respected, and an optional reverse tunnel for workers that cannot reach the
// master. The cookie reaches each worker on its standard input, never on a command line.
// The work is done by the module libdc_ssh.so (with libssh and OpenSSL), which the first
// ssh_manager loads: programs that never make one do not map those libraries.

#include <dc/managers/cluster_manager.hpp>
#include <dc/managers/config_section.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace dc::managers {

struct ssh_host {
    std::string host;
    std::string user; ///< "" = the current user (or ~/.ssh/config's User)
    int port = 22;
    std::optional<int> count; ///< workers on this host (default 1) unless auto_count
    bool auto_count = false;  ///< one worker per CPU of the host (asked with `nproc`)
    std::string dir;          ///< working directory there ("" = the master's)
    std::string exename;      ///< program there ("" = the master's path)
    std::string bind_addr;    ///< address its workers listen on ("" = the one facing the master)

    /// "user@host:port" as written in messages.
    std::string display() const;
};

struct ssh_settings {
    std::vector<ssh_host> hosts;
    std::string identity;                  ///< private key file ("" = agent and default keys)
    std::string known_hosts;               ///< known-hosts file ("" = ~/.ssh/known_hosts)
    std::string host_key_check = "strict"; ///< strict | accept-new | off
    bool tunnel = false;                   ///< workers reach the master through a reverse forward
    int max_parallel = 10; ///< SSH handshakes in flight at once (sshd's MaxStartups is 10)
};

/// The settings as one line of text (how dcrun hands them to the master) and back.
std::string encode_ssh_settings(const ssh_settings& s);
ssh_settings decode_ssh_settings(const std::string& text);

/// Parses "[user@]host[:port]". Throws std::invalid_argument saying what is wrong.
ssh_host parse_host_spec(const std::string& spec);

/// Reads a cluster file's `ssh` section into `s` (reporting mistakes through `r`).
void read_ssh_section(const config_reader& r, const config_node& n, ssh_settings& s);

class ssh_manager final : public cluster_manager {
public:
    explicit ssh_manager(const ssh_settings& settings);
    ~ssh_manager() override;
    std::string name() const override { return "ssh"; }
    /// Connects to every host (in parallel) and returns the sum of their counts.
    int planned_workers() override;
    /// The local address that faces the hosts, so that their workers can connect back.
    std::string master_bind_hint() override;
    std::vector<std::unique_ptr<launched_worker>> launch(const launch_request& request) override;

private:
    struct state;
    std::unique_ptr<state> state_;
};

} // namespace dc::managers
