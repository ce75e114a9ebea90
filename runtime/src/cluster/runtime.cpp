#include "cluster/runtime.hpp"

#include "calls/execute_call.hpp"
#include "engine/interrupts.hpp"
#include "peers/handshake.hpp"
#include "transport/endpoint.hpp"
#include "util/log.hpp"

#include <dc/detail/byte_stream.hpp>

#include <dc/errors.hpp>
#include <dc/launcher/bootstrap.hpp>
#include <dc/launcher/random_name.hpp>

#include <boost/asio/ip/host_name.hpp>

#include <cstdlib>

namespace dc::detail {
namespace {

std::atomic<runtime*> the_runtime{nullptr};
std::atomic<cluster_context*> installed{nullptr};

std::chrono::microseconds spin_budget() {
    auto text = launcher::env::get(launcher::env::spin_us);
    return std::chrono::microseconds(text ? std::atol(text->c_str()) : 100);
}

} // namespace

cluster_context& cluster_context::current() {
    if (auto* c = installed.load(std::memory_order_acquire)) return *c;
    return runtime::instance();
}

bool cluster_context::alive() noexcept {
    return installed.load(std::memory_order_acquire) != nullptr || runtime::alive();
}

void cluster_context::install(cluster_context* c) noexcept {
    installed.store(c, std::memory_order_release);
}

runtime& runtime::instance() {
    static runtime rt;
    return rt;
}

bool runtime::alive() noexcept {
    return the_runtime.load() != nullptr;
}

runtime::runtime()
    : cookie_(launcher::random_hex(32)), host_(boost::asio::ip::host_name()),
      engine_(std::make_unique<engine>(*this, spin_budget())) {
    the_runtime = this;
    connection::set_placement_hook(&runtime::place_large_value);
    connection::set_send_waiter(engine_.get());
    connection::set_greeting_hook(&runtime::greet_in_place);
}

runtime::~runtime() {
    the_runtime = nullptr;
    connection::set_send_waiter(nullptr);
    engine_->stop_background();
}

void runtime::set_id(int id) noexcept {
    id_ = id;
    set_log_process_id(id);
}

std::vector<int> runtime::ids() const {
    if (id() != 1 && peers_.knows(1)) return members_from_master();
    auto all = peers_.ids(id());
    if (any_leaving_.load(std::memory_order_acquire)) {
        std::lock_guard lock(leaving_mutex_);
        std::erase_if(all, [this](int pid) { return leaving_.count(pid) != 0; });
    }
    return all;
}

void runtime::mark_leaving(int pid) {
    {
        std::lock_guard lock(leaving_mutex_);
        if (!leaving_.insert(pid).second) return;
        any_leaving_ = true;
    }
    ++membership_changes_;
}

bool runtime::leaving(int pid) const {
    if (!any_leaving_.load(std::memory_order_acquire)) return false;
    std::lock_guard lock(leaving_mutex_);
    return leaving_.count(pid) != 0;
}

bool runtime::knows(int pid) const {
    return pid == id() || peers_.knows(pid);
}

void runtime::add_process(const peer_info& info, const std::shared_ptr<connection>& link) {
    peers_.add(info, link);
    ++membership_changes_;
}

void runtime::remove_process(int pid, const std::string& why, bool close_link) {
    auto link = peers_.remove(pid);
    {
        std::lock_guard lock(leaving_mutex_);
        leaving_.erase(pid);
        any_leaving_ = !leaving_.empty();
    }
    ++membership_changes_;
    auto failed = requests_.take_all_to(pid);
    if (link && close_link) {
        engine_->remove(link);
        link->shut_down();
    }
    store_.drop_waiters(pid);
    channels_.drop_waiters(pid);
    auto error = std::make_exception_ptr(process_exited(pid, why));
    for (auto& s : failed)
        s->on_failed(error);
}

std::vector<std::string> runtime::start_listening(const std::string& bind_address) {
    if (!listeners_.empty()) return addresses_;
    listeners_.push_back(listen_unix());
    listeners_.push_back(listen_tcp(bind_address));
    for (auto& l : listeners_) {
        addresses_.push_back(l->address());
        listener* raw = l.get();
        engine_->watch(raw->fd(), [this, raw] {
            for (int fd = raw->accept_one(); fd >= 0; fd = raw->accept_one()) {
                auto c = std::make_shared<connection>(fd, "unauthenticated peer");
                engine_->add(c);
            }
        });
    }
    DC_LOG(debug, "listening on " << addresses_[0] << " and " << addresses_[1]);
    return addresses_;
}

std::uint64_t runtime::new_request_id() noexcept {
    return requests_.new_id(id());
}

std::size_t runtime::expect(std::uint64_t req, int pid, std::shared_ptr<ref_state> state) {
    return requests_.expect(req, pid, std::move(state));
}

void runtime::forget(std::uint64_t req) {
    requests_.forget(req);
}

void runtime::throttle(std::size_t in_flight) {
    if (in_flight < max_in_flight) return;
    static std::atomic<bool> told{false};
    if (!told.exchange(true)) {
        DC_LOG(info, max_in_flight << " requests unanswered: new calls wait until half are "
                                      "(a loop firing calls faster than they run)");
    }
    // The call is sent already: an interrupt now would lose its future.
    uninterruptible shield;
    engine_->wait_until([this] { return requests_.size() < max_in_flight / 2; });
}

void runtime::send(int pid, std::span<const char> head, std::span<const char> body) {
    auto link = link_to(pid);
    try {
        link->send(head, body);
    } catch (const dc::error& e) {
        throw process_exited(pid, e.what());
    }
}

std::shared_ptr<connection> runtime::link_to(int pid) {
    // A worker learns where a peer listens from the master when it first links to it (or
    // knows it only by a link the peer made, now closed).
    peer_info peer;
    if (id() != 1 && pid != id() && !peers_.knows(pid)) peers_.add(peer_from_master(pid), nullptr);
    if (auto link = peers_.link_or_info(pid, peer)) return link;
    if (peer.addresses.empty() && id() != 1) {
        peer = peer_from_master(pid);
        peers_.add(peer, nullptr);
    }
    if (topology_ == dc::topology::master_worker) {
        throw dc::error("process " + std::to_string(id()) + " cannot call worker " +
                        std::to_string(pid) + ": the cluster uses topology master_worker");
    }
    auto link = open_peer_link(peer, {id(), host_, cookie_});
    engine_->add(link);
    return peers_.attach(pid, link);
}

void runtime::reject(const std::shared_ptr<connection>& c, const std::string& why) {
    DC_LOG(warn, "rejected a connection (" << c->label() << "): " << why);
    engine_->remove(c);
    c->shut_down();
}

namespace {

/// A question to the master; its answer arrives in the returned state.
std::shared_ptr<ref_state> ask_master(runtime& rt, kind k, int pid) {
    auto state = std::make_shared<ref_state>(0, 1, 0, ref_state::arrival::value);
    const auto req = rt.new_request_id();
    rt.expect(req, 1, state);
    try {
        rt.send(1, encode_head(query_head{k, req, pid}));
    } catch (...) {
        rt.forget(req);
        throw;
    }
    return state;
}

} // namespace

peer_info runtime::peer_from_master(int pid) {
    auto answer = ask_master(*this, kind::peer_query, pid);
    try {
        return decode_as<peer_info>(answer->fetch_bytes());
    } catch (const remote_exception& e) {
        throw process_exited(pid, e.message());
    }
}

std::vector<int> runtime::members_from_master() const {
    // A question does not change what this process is; it needs the request machinery.
    auto answer = ask_master(const_cast<runtime&>(*this), kind::members_query, 0);
    const auto ids = decode_as<std::vector<std::int32_t>>(answer->fetch_bytes());
    return {ids.begin(), ids.end()};
}

void runtime::start_heartbeat(double seconds) {
    if (!(seconds > 0)) {
        heartbeat_.reset();
        return;
    }
    const auto limit = std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
    if (heartbeat_ && heartbeat_->limit() == limit) return;
    heartbeat_.reset();
    heartbeat_ = std::make_unique<heartbeat>(*engine_, limit, static_cast<char>(kind::ping),
                                             [this](int pid) { return describe_process(pid); });
}

std::string runtime::describe_process(int pid) const {
    std::string name = pid == 1 ? "the master" : "worker " + std::to_string(pid);
    if (auto info = peers_.info(pid); info && !info->host.empty() && info->host != "master")
        name += " on " + info->host;
    return name;
}

std::uint64_t runtime::membership_epoch() const noexcept {
    if (id() == 1) return membership_changes_.load(std::memory_order_acquire);
    return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                          std::chrono::steady_clock::now().time_since_epoch())
                                          .count());
}

std::vector<peer_info> runtime::directory(std::span<const int> pids) const {
    std::vector<peer_info> where;
    if (id() != 1) return where;
    where.reserve(pids.size());
    for (int pid : pids) {
        auto info = peers_.info(pid);
        where.push_back(info ? std::move(*info) : peer_info{pid, {}, {}});
    }
    return where;
}

void runtime::learn(const std::vector<peer_info>& where) {
    for (const auto& p : where) {
        if (p.id != id() && !p.addresses.empty() && !peers_.knows(p.id)) peers_.add(p, nullptr);
    }
}

bool runtime::run_call(const function_id& fn, std::span<const char> args, bytes& out) {
    return detail::run_call(id(), host_, fn, args, out);
}

} // namespace dc::detail
