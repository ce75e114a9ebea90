#pragma once
// The seam between what a program's calls, futures, channels and arrays need of the cluster
// and the runtime that provides it: this process's id, the others, sending a message and
// awaiting its answer, running a call here. The runtime (cluster/runtime.hpp) implements it
// for real; local_context.hpp in-process, for unit tests (as Ray's C++ "local mode"). Code
// below cluster/ talks to this interface only, so that folders do not include each other in
// circles.

#include "protocol/messages.hpp"

#include <dc/detail/bytes.hpp>
#include <dc/detail/function_id.hpp>

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace dc::detail {

class engine;
class ref_state;
class value_store;

class cluster_context {
public:
    virtual ~cluster_context() = default;

    /// The process's context: the one installed (a test's), else the runtime, made on first
    /// use. Defined with the runtime (cluster/runtime.cpp).
    static cluster_context& current();
    /// False once the process's context is gone (at exit).
    static bool alive() noexcept;
    /// Makes `c` the process's context until it is uninstalled (nullptr). For tests.
    static void install(cluster_context* c) noexcept;

    // ---- who
    virtual int id() const noexcept = 0;
    virtual const std::string& host() const noexcept = 0;
    /// Ids of every live process, this one included, ascending.
    virtual std::vector<int> ids() const = 0;
    virtual bool knows(int pid) const = 0;
    /// Changes whenever ids() may have changed (a pool looks at ids() again only then).
    virtual std::uint64_t membership_epoch() const noexcept { return 0; }
    /// Whether a worker is leaving (it finishes what it has, but takes no new pool work).
    virtual bool leaving(int /*pid*/) const { return false; }

    // ---- what runs here
    /// Progress and waits (see engine/engine.hpp).
    virtual engine& io() noexcept = 0;
    /// The values this process holds for others.
    virtual value_store& store() noexcept = 0;
    /// Runs a call in this process; returns true if it threw (then `out` holds an error_info).
    virtual bool run_call(const function_id& fn, std::span<const char> args, bytes& out) = 0;
    /// Runs an operation on a channel this process owns, for request `req` of process `pid`.
    virtual void apply_channel_op(std::uint64_t channel, std::uint8_t op, int pid,
                                  std::uint64_t req, std::span<const char> payload) = 0;

    // ---- requests to other processes
    virtual std::uint64_t new_request_id() noexcept = 0;
    /// Registers the state the answer to `req` from `pid` goes to; returns how many requests
    /// are unanswered now.
    virtual std::size_t expect(std::uint64_t req, int pid, std::shared_ptr<ref_state> state) = 0;
    virtual void forget(std::uint64_t req) = 0;
    /// With expect()'s count, once the request is sent: waits while too many are unanswered.
    virtual void throttle(std::size_t in_flight) = 0;
    /// Sends a frame to `pid`. Throws dc::process_exited when it cannot.
    virtual void send(int pid, std::span<const char> head, std::span<const char> body = {}) = 0;

    // ---- collectives (collectives/tree_call.cpp)
    /// Whether workers may link to each other (a collective's tree needs it).
    virtual bool peers_may_link() const noexcept { return true; }
    /// Where each of `pids` listens, in order, when this process knows it (the master); else
    /// empty (the tree's processes then ask the master when they link).
    virtual std::vector<peer_info> directory(std::span<const int> /*pids*/) const { return {}; }
    /// Notes where processes listen (a collective's order says), for links made later.
    virtual void learn(const std::vector<peer_info>& /*where*/) {}
    /// Ends this process once the call it runs has answered (a collective's shutdown).
    virtual void request_exit() {}
};

} // namespace dc::detail
