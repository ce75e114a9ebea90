#pragma once
// One process's part of the cluster: its id and cookie, the other processes and the links to
// them (peers/), the requests it waits on (requests/), the values and channels it holds for
// others, and its listeners. Shared by master and workers; the roles add the handshake with the
// master (cluster/master, worker/serve). Incoming frames are dispatched in cluster/dispatch.cpp;
// calls run in calls/execute_call.cpp.

#include "channels/channel_store.hpp"
#include "context/cluster_context.hpp"
#include "engine/engine.hpp"
#include "futures/value_store.hpp"
#include "peers/heartbeat.hpp"
#include "peers/peer_table.hpp"
#include "protocol/heads.hpp"
#include "protocol/messages.hpp"
#include "requests/pending_requests.hpp"

#include <dc/detail/function_id.hpp>
#include <dc/detail/ref_state.hpp>
#include <dc/options.hpp>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <unordered_set>
#include <vector>

namespace dc::detail {

class listener;

class runtime final : public engine::handler, public cluster_context {
public:
    /// The process's runtime, created on first use.
    static runtime& instance();
    /// False before first use and after destruction (at exit).
    static bool alive() noexcept;

    runtime();
    ~runtime() override;

    int id() const noexcept override { return id_.load(std::memory_order_relaxed); }
    void set_id(int id) noexcept;
    const std::string& cookie() const noexcept { return cookie_; }
    void set_cookie(std::string cookie) { cookie_ = std::move(cookie); }
    const std::string& host() const noexcept override { return host_; }
    dc::topology links() const noexcept { return topology_; }
    void set_links(dc::topology t) noexcept { topology_ = t; }
    engine& io() noexcept override { return *engine_; }
    value_store& store() noexcept override { return store_; }
    channel_store& channels() noexcept { return channels_; }

    /// Runs a channel operation on a channel this process owns (for process `pid`, request
    /// `req`) and sends the answers that are due.
    void apply_channel_op(std::uint64_t channel, std::uint8_t op, int pid, std::uint64_t req,
                          std::span<const char> payload) override;

    // ---- membership
    /// Ids of every live process, this one included, ascending.
    std::vector<int> ids() const override;
    bool knows(int pid) const override;
    /// The master's count of joins and removals; on a worker (which asks the master for the
    /// members) the current second, so that a pool looks again at most once a second.
    std::uint64_t membership_epoch() const noexcept override;
    /// Adds a process (with its link, if there is one yet).
    void add_process(const peer_info& info, const std::shared_ptr<connection>& link);
    /// Forgets a process and fails everything that waited on it. With `close_link` false the
    /// link stays open (so that a worker told to exit still runs what it has already received).
    void remove_process(int pid, const std::string& why, bool close_link = true);
    /// Marks a worker as leaving (its job is about to end, or adapt releases it): it stays
    /// linked and answers what it was sent, but ids() lists it no more and pools skip it.
    void mark_leaving(int pid);
    bool leaving(int pid) const override;
    /// The processes that requests of this one still wait on.
    std::unordered_set<int> awaited_processes() const { return requests_.awaited(); }
    /// Called after a process was lost (not removed on purpose); set by the master role.
    std::function<void(int pid, const std::string& why)> on_process_lost;
    /// Handles the first frame of a connection that is not a peer link; set by the master role.
    std::function<void(const std::shared_ptr<connection>&, bytes&&)> on_hello;

    // ---- listening
    /// Listens on an abstract Unix socket and on TCP at `bind_address`; returns the addresses.
    std::vector<std::string> start_listening(const std::string& bind_address);
    const std::vector<std::string>& addresses() const noexcept { return addresses_; }

    // ---- requests
    std::uint64_t new_request_id() noexcept override;
    /// Registers the state that the answer to `req` from `pid` goes to.
    /// Returns how many requests are now unanswered.
    std::size_t expect(std::uint64_t req, int pid, std::shared_ptr<ref_state> state) override;
    void forget(std::uint64_t req) override;
    /// Most requests one process keeps unanswered: a loop that fires calls faster than they
    /// run (and drops their futures) waits here instead of filling both processes' memory.
    static constexpr std::size_t max_in_flight = std::size_t{1} << 15;
    /// Called with expect()'s count once the request is sent: at max_in_flight, waits (driving
    /// progress) until half of them are answered.
    void throttle(std::size_t in_flight) override;
    /// Sends a frame to `pid`, linking to it first if needed. Throws dc::process_exited.
    void send(int pid, std::span<const char> head, std::span<const char> body = {}) override;
    /// Runs a call in this process; returns true if it threw (then `out` holds an error_info).
    bool run_call(const function_id& fn, std::span<const char> args, bytes& out) override;

    // ---- collectives
    bool peers_may_link() const noexcept override { return topology_ == dc::topology::all_to_all; }
    /// The master's: where each of `pids` listens (a worker's is empty: it knows few).
    std::vector<peer_info> directory(std::span<const int> pids) const override;
    void learn(const std::vector<peer_info>& where) override;
    void request_exit() override { exit_requested_ = true; }

    /// Closes a connection that failed the handshake or broke the protocol.
    void reject(const std::shared_ptr<connection>& c, const std::string& why);

    // engine::handler
    void on_frame(const std::shared_ptr<connection>& from, bytes&& body) override;
    void on_closed(const std::shared_ptr<connection>& c, const std::string& why) override;
    bool runs_user_code(const bytes& body) const override;

    bool exit_requested() const noexcept { return exit_requested_; }

    /// Declares a link dead after `seconds` without hearing from it (peers/heartbeat.hpp); 0
    /// stops watching. Called again with another limit, replaces the watch.
    void start_heartbeat(double seconds);
    /// "worker 5 on n2", "the master on login1".
    std::string describe_process(int pid) const;

private:
    std::shared_ptr<connection> link_to(int pid);
    // cluster/dispatch.cpp: what arrives
    void accept_peer(const std::shared_ptr<connection>& c, bytes&& body);
    static bool greet_in_place(connection& c, std::span<const char> body);
    void on_answer(std::span<const char> frame, bytes&& body);
    void answer_query(connection& from, const query_head& q);
    /// A worker's questions to the master (the master knows every process).
    peer_info peer_from_master(int pid);
    std::vector<int> members_from_master() const;
    void on_fetch(const std::shared_ptr<connection>& from, std::span<const char> body, bool value);
    /// Sends a result frame, or completes the request here when `pid` is this process.
    void deliver(int pid, std::uint64_t req, bool is_error, bytes&& payload);
    static placement place_large_value(std::span<const char> start, std::uint64_t length);

    std::atomic<int> id_{1};
    std::string cookie_;
    std::string host_;
    dc::topology topology_ = dc::topology::all_to_all;
    std::unique_ptr<engine> engine_;
    value_store store_;
    channel_store channels_;
    std::vector<std::unique_ptr<listener>> listeners_;
    std::vector<std::string> addresses_;

    peer_table peers_;
    pending_requests requests_;
    std::atomic<bool> exit_requested_{false};
    std::atomic<std::uint64_t> membership_changes_{0};
    mutable std::mutex leaving_mutex_;
    std::unordered_set<int> leaving_;
    std::atomic<bool> any_leaving_{false};
    std::unique_ptr<heartbeat> heartbeat_; // last: stops before the engine it watches goes
};

} // namespace dc::detail
