#include "cluster/runtime.hpp"

#include "engine/interrupts.hpp"
#include "errors/remote_error.hpp"
#include "protocol/heads.hpp"
#include "transport/endpoint.hpp"
#include "util/build_id.hpp"
#include "util/demangle.hpp"
#include "util/log.hpp"

#include <dc/errors.hpp>
#include <dc/launcher/bootstrap.hpp>
#include <dc/launcher/random_name.hpp>

#include <boost/asio/ip/host_name.hpp>

#include <dc/detail/calls.hpp>

#include <algorithm>
#include <cstdlib>

namespace dc::detail {
namespace {

std::atomic<runtime*> the_runtime{nullptr};

/// The head of an answer: kind (result or done), request id, error flag.
bytes answer_frame_head(kind k, std::uint64_t req, bool is_error) {
    return encode_head(answer_head{k, req, is_error});
}

std::string random_cookie() {
    return launcher::random_hex(32);
}

std::chrono::microseconds spin_budget() {
    auto text = launcher::env::get(launcher::env::spin_us);
    return std::chrono::microseconds(text ? std::atol(text->c_str()) : 100);
}

constexpr auto link_timeout = std::chrono::seconds(10);

} // namespace

void runtime::set_id(int id) noexcept {
    id_ = id;
    set_log_process_id(id);
}

runtime& runtime::instance() {
    static runtime rt;
    return rt;
}

bool runtime::alive() noexcept {
    return the_runtime.load() != nullptr;
}

namespace {
std::atomic<cluster_context*> installed{nullptr};
}

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

runtime::runtime()
    : cookie_(random_cookie()), host_(boost::asio::ip::host_name()),
      engine_(std::make_unique<engine>(*this, spin_budget())) {
    the_runtime = this;
    connection::set_placement_hook(&runtime::place_large_value);
    connection::set_send_waiter(engine_.get());
    connection::set_greeting_hook(&runtime::greet_in_place);
}

// A large result whose future waits with a sink is received straight into the value's storage.
placement runtime::place_large_value(std::span<const char> start, std::uint64_t length) {
    constexpr std::size_t head = answer_head::size;
    if (start.size() < head || static_cast<kind>(start[0]) != kind::result) return {};
    const auto a = decode_head<answer_head>(start);
    if (a.is_error) return {};
    auto state = the_runtime.load()->find_pending(a.req);
    if (!state) return {};
    std::size_t skip = 0;
    char* where = state->place(length - head, skip);
    return where ? placement{head + skip, where} : placement{};
}

std::shared_ptr<ref_state> runtime::find_pending(std::uint64_t req) const {
    std::lock_guard lock(mutex_);
    auto it = pending_.find(req);
    return it == pending_.end() ? nullptr : it->second.state;
}

runtime::~runtime() {
    the_runtime = nullptr;
    connection::set_send_waiter(nullptr);
    engine_->stop_background();
}

std::vector<int> runtime::ids() const {
    std::lock_guard lock(mutex_);
    std::vector<int> out{id()};
    for (const auto& [pid, p] : processes_)
        out.push_back(pid);
    std::sort(out.begin(), out.end());
    return out;
}

bool runtime::knows(int pid) const {
    std::lock_guard lock(mutex_);
    return pid == id() || processes_.count(pid) > 0;
}

void runtime::add_process(const peer_info& info, const std::shared_ptr<connection>& link) {
    std::lock_guard lock(mutex_);
    auto& p = processes_[info.id];
    p.info = info;
    if (link) p.link = link;
}

void runtime::remove_process(int pid, const std::string& why, bool close_link) {
    std::vector<std::shared_ptr<ref_state>> failed;
    std::shared_ptr<connection> link;
    {
        std::lock_guard lock(mutex_);
        auto it = processes_.find(pid);
        if (it != processes_.end()) {
            link = it->second.link;
            processes_.erase(it);
        }
        for (auto p = pending_.begin(); p != pending_.end();) {
            if (p->second.pid == pid) {
                failed.push_back(std::move(p->second.state));
                p = pending_.erase(p);
            } else {
                ++p;
            }
        }
    }
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
    return (static_cast<std::uint64_t>(id()) << 40) | next_request_.fetch_add(1);
}

std::size_t runtime::expect(std::uint64_t req, int pid, std::shared_ptr<ref_state> state) {
    std::lock_guard lock(mutex_);
    pending_[req] = {pid, std::move(state)};
    return pending_.size();
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
    engine_->wait_until([this] {
        std::lock_guard lock(mutex_);
        return pending_.size() < max_in_flight / 2;
    });
}

void runtime::forget(std::uint64_t req) {
    std::lock_guard lock(mutex_);
    pending_.erase(req);
}

std::shared_ptr<ref_state> runtime::take_pending(std::uint64_t req) {
    std::lock_guard lock(mutex_);
    auto it = pending_.find(req);
    if (it == pending_.end()) return nullptr;
    auto state = std::move(it->second.state);
    pending_.erase(it);
    return state;
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
    peer_info peer;
    {
        std::lock_guard lock(mutex_);
        auto it = processes_.find(pid);
        if (it == processes_.end()) {
            throw process_exited(pid, "no such process in this cluster (ids are never reused)");
        }
        if (it->second.link) return it->second.link;
        peer = it->second.info;
    }
    if (topology_ == dc::topology::master_worker) {
        throw dc::error("process " + std::to_string(id()) + " cannot call worker " +
                        std::to_string(pid) + ": the cluster uses topology master_worker");
    }
    auto link = open_link(peer);
    std::lock_guard lock(mutex_);
    auto it = processes_.find(pid);
    if (it == processes_.end()) throw process_exited(pid, "exited while linking to it");
    if (!it->second.link) it->second.link = link; // else another thread linked first: use that
    return it->second.link;
}

std::shared_ptr<connection> runtime::open_link(const peer_info& peer) {
    std::string errors;
    const bool tcp_only = launcher::env::get(launcher::env::transport).value_or("") == "tcp";
    for (const auto& address : peer.addresses) {
        if (is_local_address(address) && (peer.host != host_ || tcp_only)) continue;
        try {
            int fd = connect_to(address, link_timeout);
            auto c = std::make_shared<connection>(fd, "worker " + std::to_string(peer.id));
            peer_hello_msg hello{protocol_magic, cookie_, id(), main_build_id()};
            bytes frame{static_cast<char>(kind::peer_hello)};
            encode_into(frame, hello);
            c->send(frame);
            c->peer_id = peer.id;
            c->authenticated = true;
            c->set_frame_limit(UINT64_MAX >> 1);
            engine_->add(c);
            DC_LOG(debug, "linked to worker " << peer.id << " at " << address);
            return c;
        } catch (const dc::error& e) {
            errors += std::string(errors.empty() ? "" : "; ") + e.what();
        }
    }
    throw process_exited(peer.id, "cannot link to worker " + std::to_string(peer.id) + " on " +
                                      peer.host + ": " + (errors.empty() ? "no address" : errors));
}

bool runtime::cookie_matches(const std::string& offered) const noexcept {
    if (offered.size() != cookie_.size()) return false;
    unsigned char diff = 0;
    for (std::size_t i = 0; i < offered.size(); ++i) {
        diff |= static_cast<unsigned char>(offered[i] ^ cookie_[i]);
    }
    return diff == 0;
}

void runtime::reject(const std::shared_ptr<connection>& c, const std::string& why) {
    DC_LOG(warn, "rejected a connection (" << c->label() << "): " << why);
    engine_->remove(c);
    c->shut_down();
}

std::string runtime::check_peer_hello(std::span<const char> body, peer_hello_msg& hello) const {
    try {
        hello = decode_as<peer_hello_msg>(body.subspan(1));
    } catch (const std::exception&) {
        return "malformed peer greeting";
    }
    if (hello.magic != protocol_magic) return "not a dc peer";
    if (!cookie_matches(hello.cookie)) return "wrong cluster cookie";
    if (hello.build_id != main_build_id()) {
        return "worker " + std::to_string(hello.from) + " runs a different build";
    }
    return "";
}

void runtime::admit_peer(connection& c, int from) {
    c.peer_id = from;
    c.authenticated = true;
    c.set_frame_limit(UINT64_MAX >> 1);
    c.set_label("worker " + std::to_string(from));
    std::lock_guard lock(mutex_);
    auto it = processes_.find(from);
    if (it != processes_.end() && !it->second.link) it->second.link = c.shared_from_this();
}

// A peer's greeting is checked as soon as it is read, before the frames behind it are parsed:
// its first call may be larger than an unauthenticated connection may send, and may arrive
// while this process reads without dispatching (a send of its own waits).
bool runtime::greet_in_place(connection& c, std::span<const char> body) {
    runtime* rt = the_runtime.load();
    if (!rt || body.empty() || static_cast<kind>(body[0]) != kind::peer_hello) return false;
    peer_hello_msg hello;
    // A peer this process has not heard of yet (its peer_added may be in the same batch of
    // frames) is admitted too: it showed the cookie and the build. on_frame rejects the rest.
    if (!rt->check_peer_hello(body, hello).empty()) return false;
    rt->admit_peer(c, hello.from);
    return true;
}

void runtime::accept_peer(const std::shared_ptr<connection>& c, bytes&& body) {
    peer_hello_msg hello;
    auto why = check_peer_hello(body, hello);
    if (!why.empty()) return reject(c, why);
    admit_peer(*c, hello.from);
}

void runtime::on_frame(const std::shared_ptr<connection>& from, bytes&& body) {
    const auto k = static_cast<kind>(body[0]);
    if (!from->authenticated) {
        if (k == kind::peer_hello) return accept_peer(from, std::move(body));
        if (k == kind::hello && on_hello) return on_hello(from, std::move(body));
        return reject(from, "expected a greeting, got message kind " + std::to_string(body[0]));
    }
    std::span<const char> in(body);
    std::size_t payload = 0;
    switch (k) {
    case kind::call:
        return on_call(from, in);
    case kind::result: {
        const auto a = decode_head<answer_head>(in, &payload);
        if (auto s = take_pending(a.req)) {
            s->on_value(std::make_shared<const bytes>(std::move(body)), payload, a.is_error);
        }
        return;
    }
    case kind::done: {
        const auto a = decode_head<answer_head>(in);
        if (auto s = take_pending(a.req)) s->on_done(a.is_error);
        return;
    }
    case kind::fetch:
        return on_fetch(from, in, true);
    case kind::watch:
        return on_fetch(from, in, false);
    case kind::release: {
        const auto r = decode_head<release_head>(in);
        store_.release(r.ref, r.weight);
        return;
    }
    case kind::add_weight: {
        const auto a = decode_head<add_weight_head>(in);
        store_.add_weight(a.ref, a.weight);
        return from->send(answer_frame_head(kind::result, a.req, false));
    }
    case kind::peer_added:
        return add_process(decode_as<peer_info>(in.subspan(1)), nullptr);
    case kind::peer_removed:
        return remove_process(decode_head<peer_removed_head>(in).pid, "removed by the master");
    case kind::exit:
        exit_requested_ = true;
        return;
    case kind::interrupt: {
        const std::size_t n = interrupt_running_calls();
        DC_LOG(debug, "interrupted " << n << " running call(s)");
        io().wake(); // sleeping waits recheck
        return;
    }
    case kind::channel_op: {
        const auto c = decode_head<channel_op_head>(in, &payload);
        return apply_channel_op(c.channel, c.op, from->peer_id, c.req, in.subspan(payload));
    }
    default:
        return reject(from, "unknown message kind " + std::to_string(body[0]));
    }
}

bool runtime::runs_user_code(const bytes& body) const {
    return static_cast<kind>(body[0]) == kind::call;
}

void runtime::on_closed(const std::shared_ptr<connection>& c, const std::string& why) {
    if (!c->authenticated) return;
    const int pid = c->peer_id;
    if (!knows(pid) || pid == id()) return;
    DC_LOG(debug, "link to process " << pid << " closed: " << why);
    remove_process(pid, why);
    if (on_process_lost) on_process_lost(pid, why);
}

bool runtime::run_call(const function_id& fn, std::span<const char> args, bytes& out) {
    invoke_fn invoke = find_invoker(fn.invoker);
    if (!invoke) {
        out.clear();
        encode_into(out, describe_refused_call(
                             id(), host_, "dc::error",
                             "this process has no code for the called function (is it running "
                             "a different build of the program?)"));
        return true;
    }
    call_scope scope;
    interruptible_call interruptible;
    try {
        invoke(fn, args, out);
        return false;
    } catch (...) {
        out.clear();
        encode_into(out, describe_failed_call(id(), host_, fn));
        return true;
    }
}

void runtime::on_call(const std::shared_ptr<connection>& from, std::span<const char> body) {
    std::size_t args_at = 0;
    const auto call = decode_head<call_head>(body, &args_at);
    const auto req = call.req;
    const auto mode = call.mode;
    if (mode == call_mode::store) store_.expect(req);

    bytes out;
    const bool is_error = run_call(call.fn, body.subspan(args_at), out);
    const bytes head =
        answer_frame_head(mode == call_mode::fetch ? kind::result : kind::done, req, is_error);
    try {
        if (mode == call_mode::fetch) {
            from->send(head, out);
        } else if (mode == call_mode::store) {
            auto data = std::make_shared<const bytes>(std::move(out));
            auto waiters = store_.put(req, is_error, data);
            from->send(head);
            for (const auto& w : waiters)
                answer(w.pid, w.req, w.wants_value, {is_error, data});
        } else if (is_error) {
            DC_LOG(error, "remote_do failed: " << to_exception(decode_as<error_info>(out)).what());
        }
    } catch (const dc::error& e) {
        DC_LOG(debug, "cannot answer " << from->label() << ": " << e.what());
    }
}

void runtime::on_fetch(const std::shared_ptr<connection>& from, std::span<const char> body,
                       bool value) {
    const auto f = decode_head<fetch_head>(body);
    const auto req = f.req;
    const auto ref = f.ref;
    std::optional<value_store::stored> s;
    try {
        s = store_.get(ref, value_store::waiter{from->peer_id, req, value});
    } catch (const dc::error& e) {
        bytes err;
        encode_into(err, describe_refused_call(id(), host_, "dc::error", e.what()));
        s = value_store::stored{true, std::make_shared<const bytes>(std::move(err))};
    }
    if (s) answer(from->peer_id, req, value, *s);
}

void runtime::apply_channel_op(std::uint64_t channel, std::uint8_t op, int pid, std::uint64_t req,
                               std::span<const char> payload) {
    for (auto& a : channels_.apply(channel, op, pid, req, payload)) {
        if (a.is_error) { // the store does not know where it lives: say it (the owner)
            auto e = decode_as<error_info>(a.payload);
            a.payload.clear();
            encode_into(a.payload, describe_refused_call(id(), host_, e.type, e.message));
        }
        deliver(a.pid, a.req, a.is_error, std::move(a.payload));
    }
}

void runtime::deliver(int pid, std::uint64_t req, bool is_error, bytes&& payload) {
    if (pid == id()) {
        if (auto s = take_pending(req)) {
            s->on_value(std::make_shared<const bytes>(std::move(payload)), 0, is_error);
        }
        return;
    }
    const bytes head = answer_frame_head(kind::result, req, is_error);
    try {
        send(pid, head, payload);
    } catch (const dc::error& e) {
        DC_LOG(debug, "cannot answer process " << pid << ": " << e.what());
    }
}

void runtime::answer(int pid, std::uint64_t req, bool value, const value_store::stored& s) {
    const bytes head = answer_frame_head(value ? kind::result : kind::done, req, s.is_error);
    try {
        if (value) {
            send(pid, head, *s.data);
        } else {
            send(pid, head);
        }
    } catch (const dc::error& e) {
        DC_LOG(debug, "cannot answer process " << pid << ": " << e.what());
    }
}

} // namespace dc::detail
