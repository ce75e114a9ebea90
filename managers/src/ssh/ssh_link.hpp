#pragma once
// One authenticated SSH session to a host and the thread that pumps its channels: the workers'
// output, their exit, and (with a tunnel) the connections they make back to the master.
// Every libssh call on the session happens under one mutex: a session is not thread-safe.

#include <dc/managers/cluster_manager.hpp>
#include <dc/managers/ssh_manager.hpp>

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace dc::managers {

struct remote_process;

class ssh_link : public std::enable_shared_from_this<ssh_link> {
public:
    using line_sink = std::function<void(int id, const std::string& line)>;

    /// Connects, checks the host key and authenticates. Throws dc::launch_error saying what
    /// failed on which host and what to do about it.
    ssh_link(const ssh_host& host, const ssh_settings& settings);
    ~ssh_link();
    ssh_link(const ssh_link&) = delete;
    ssh_link& operator=(const ssh_link&) = delete;

    const ssh_host& host() const { return host_; }
    /// Runs `command` to its end and returns its standard output (before workers start).
    std::string run(const std::string& command);
    /// Asks sshd to listen on the host's loopback and to forward each connection to
    /// `master_address` ("tcp:IP:PORT") here. Returns the port on the host.
    int open_reverse_tunnel(const std::string& master_address);
    /// Starts `command` (one sh command line); `secret` is written to its standard input.
    std::unique_ptr<launched_worker> start_worker(int id, const std::string& command,
                                                  const std::string& secret, line_sink sink);

private:
    friend class ssh_worker;
    struct relay;
    void pump();
    void wake();
    void service_processes();
    void service_tunnel();
    void lose_connection(const std::string& why);
    void finish(remote_process& p, int status);

    ssh_host host_;
    void* session_ = nullptr; // ssh_session
    void* event_ = nullptr;   // ssh_event: reads the session's packets in the pump
    std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<std::shared_ptr<remote_process>> processes_;
    std::vector<std::unique_ptr<relay>> relays_;
    std::string tunnel_target_;
    int wake_fd_ = -1;
    bool stopping_ = false;
    std::thread pump_;
};

} // namespace dc::managers
