#pragma once
// The cluster as one process, in-process ("local mode", as Ray's C++ runtime has): process 1
// alone, with its own value store, channels and request table. Calls to process 1 run here;
// there is nobody else to send to. Unit tests make one to test what sits on the seam
// (futures and their weights, channels, pools, patterns) without starting processes. While it
// lives it is the process's cluster_context.

#include "channels/channel_store.hpp"
#include "context/cluster_context.hpp"
#include "engine/engine.hpp"
#include "futures/value_store.hpp"
#include "requests/pending_requests.hpp"

#include <memory>
#include <string>

namespace dc::detail {

class local_context final : public cluster_context, private engine::handler {
public:
    local_context();
    ~local_context() override;
    local_context(const local_context&) = delete;
    local_context& operator=(const local_context&) = delete;

    int id() const noexcept override { return 1; }
    const std::string& host() const noexcept override { return host_; }
    std::vector<int> ids() const override { return {1}; }
    bool knows(int pid) const override { return pid == 1; }
    engine& io() noexcept override { return *engine_; }
    value_store& store() noexcept override { return store_; }
    bool run_call(const function_id& fn, std::span<const char> args, bytes& out) override;
    void apply_channel_op(std::uint64_t channel, std::uint8_t op, int pid, std::uint64_t req,
                          std::span<const char> payload) override;
    std::uint64_t new_request_id() noexcept override { return requests_.new_id(1); }
    std::size_t expect(std::uint64_t req, int pid, std::shared_ptr<ref_state> state) override;
    void forget(std::uint64_t req) override { requests_.forget(req); }
    void throttle(std::size_t /*in_flight*/) override {}
    /// Throws dc::process_exited: there is no other process.
    void send(int pid, std::span<const char> head, std::span<const char> body = {}) override;

    channel_store& channels() noexcept { return channels_; }
    std::size_t unanswered() const { return requests_.size(); }

private:
    // engine::handler: a local context has no connections, so nothing arrives.
    void on_frame(const std::shared_ptr<connection>&, bytes&&) override {}
    void on_closed(const std::shared_ptr<connection>&, const std::string&) override {}
    bool runs_user_code(const bytes&) const override { return false; }

    std::string host_ = "localhost";
    std::unique_ptr<engine> engine_;
    value_store store_;
    channel_store channels_;
    pending_requests requests_;
};

} // namespace dc::detail
